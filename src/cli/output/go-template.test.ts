import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatList, parseTemplate, renderRows, TemplateError } from './go-template.js';

const rows = [
  { Repository: 'busybox', Tag: 'latest', ID: 'abc', Labels: { a: '1' } },
  { Repository: 'registry.local/team/app', Tag: '1.0', ID: 'def', Labels: {} },
];
const render = (t: string, v: unknown) => parseTemplate(t).render(v);

test('fields, nested fields and json, as docker --format renders them', () => {
  assert.equal(render('{{.Repository}}:{{.Tag}}', rows[0]), 'busybox:latest');
  assert.equal(render('{{json .Labels}}', rows[0]), '{"a":"1"}');
  assert.equal(render('{{ .Labels.a }}', rows[0]), '1');
  assert.equal(render('{{.Missing}}', rows[0]), '<no value>');
  assert.equal(render('{{.Missing.Deeper}}', rows[0]), '<no value>');
  assert.equal(render('{{.}}', { b: [1, 2], a: null }), 'map[a:<nil> b:[1 2]]');
  assert.equal(render('json', { x: 1 }), '{"x":1}');
});

test('a table template gets docker\'s headers and aligned columns (minimum width 10, padding 3)', () => {
  assert.equal(renderRows('table {{.Repository}}\\t{{.ID}}', rows, { ID: 'IMAGE ID' }), `${'REPOSITORY'.padEnd(26)}IMAGE ID\n${'busybox'.padEnd(26)}abc\nregistry.local/team/app   def\n`);
  assert.equal(renderRows('table {{.Tag}}\t{{.ID}}', rows), `TAG       ID\nlatest    abc\n1.0       def\n`);
  assert.equal(renderRows('{{.ID}}', rows), 'abc\ndef\n');
  assert.equal(formatList(undefined, 'table {{.ID}}', rows, {}), 'ID\nabc\ndef\n');
  assert.equal(formatList('table', 'table {{.ID}}', rows, {}), 'ID\nabc\ndef\n');
  // header cells run docker's functions as the identity: "LABELS", not "\"LABELS\""
  assert.equal(renderRows('table {{json .Labels}}\t{{.Label "x"}}', [{ Labels: {}, Label: () => 'v' }], { Label: 'LABEL' }), 'LABELS    LABEL\n{}        v\n');
});

test('methods with arguments: {{.Label "k"}}', () => {
  const row = { Label: (k: unknown) => ({ app: 'web' })[String(k)] ?? '' };
  assert.equal(render('{{.Label "app"}}|{{.Label "none"}}', row), 'web|');
});

test('range, if/else if/else, with, variables, pipes and Go\'s functions', () => {
  const c = { Config: { Env: ['A=1', 'B=2'], Labels: { z: '26', a: '1' } }, State: { Running: false, ExitCode: 3 }, Mounts: [] as unknown[], Name: '/web' };
  assert.equal(render('{{range .Config.Env}}[{{.}}]{{end}}', c), '[A=1][B=2]');
  assert.equal(render('{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}', c), 'a=1;z=26;');
  assert.equal(render('{{range $i, $e := .Config.Env}}{{$i}}:{{$e}} {{end}}', c), '0:A=1 1:B=2 ');
  assert.equal(render('{{range .Mounts}}x{{else}}none{{end}}', c), 'none');
  assert.equal(render('{{if .State.Running}}up{{else if eq .State.ExitCode 3}}three{{else}}down{{end}}', c), 'three');
  assert.equal(render('{{with .State}}{{.ExitCode}}{{end}}', c), '3');
  assert.equal(render('{{$n := .Name}}{{$n}}', c), '/web');
  assert.equal(render('{{.Name | upper}} {{lower "AB"}} {{len .Config.Env}} {{index .Config.Env 1}}', c), '/WEB ab 2 B=2');
  assert.equal(render('{{join .Config.Env ","}} {{split "a:b" ":"}} {{title "hello world"}}', c), 'A=1,B=2 [a b] Hello World');
  assert.equal(render('{{printf "%-5s|%05d|%.1f|%q" "ab" 42 3.14159 "x"}}', c), 'ab   |00042|3.1|"x"');
  assert.equal(render('{{pad .Name 1 2}}|{{truncate .Name 2}}', c), ' /web  |/w');
  assert.equal(render('{{(index .Config.Env 0)}} {{not .State.Running}} {{and 1 0}} {{or 0 "x"}}', c), 'A=1 true 0 x');
  assert.equal(render('a {{- " b " -}} c', c), 'a b c');
  assert.equal(render('{{/* a comment */}}x', c), 'x');
});

test('what cannot be parsed or run is refused with a plain message', () => {
  assert.throws(() => parseTemplate('{{.A'), TemplateError);
  assert.throws(() => parseTemplate('{{if .A}}x'), /unexpected EOF/);
  assert.throws(() => parseTemplate('{{define "x"}}{{end}}'), /not supported/);
  assert.throws(() => render('{{nosuch .A}}', {}), /function "nosuch" not defined/);
  assert.throws(() => render('{{.A "arg"}}', { A: 1 }), /can't give argument to non-function/);
});
