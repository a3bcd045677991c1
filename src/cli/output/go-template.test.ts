import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseTemplate, renderRows, TemplateError } from './go-template.js';

const rows = [
  { Repository: 'busybox', Tag: 'latest', ID: 'abc', Labels: { a: '1' } },
  { Repository: 'registry.local/team/app', Tag: '1.0', ID: 'def', Labels: {} },
];

test('fields, nested fields and json, as docker --format renders them', () => {
  assert.equal(parseTemplate('{{.Repository}}:{{.Tag}}').render(rows[0]), 'busybox:latest');
  assert.equal(parseTemplate('{{json .Labels}}').render(rows[0]), '{"a":"1"}');
  assert.equal(parseTemplate('{{ .Labels.a }}').render(rows[0]), '1');
  assert.equal(parseTemplate('{{.Missing}}').render(rows[0]), '<no value>');
});

test('a table template gets docker\'s headers and aligned columns', () => {
  assert.equal(
    renderRows('table {{.Repository}}\\t{{.ID}}', rows),
    `${'REPOSITORY'.padEnd(26)}IMAGE ID\n${'busybox'.padEnd(26)}abc\nregistry.local/team/app   def\n`,
  );
  assert.equal(renderRows('{{.ID}}', rows), 'abc\ndef\n');
});

test('template actions beyond field access are refused, not guessed', () => {
  assert.throws(() => parseTemplate('{{range .Labels}}x{{end}}'), TemplateError);
  assert.throws(() => parseTemplate('{{.Repository | upper}}'), /unsupported action/);
});
