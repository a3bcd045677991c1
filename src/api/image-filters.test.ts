import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { ImageSummary } from '../engine/images/views.js';
import { isBerthError } from '../errors.js';
import { filterImages, referenceMatches } from './image-filters.js';

const img = (tags: string[], labels: Record<string, string> | null = null): ImageSummary => ({
  Id: `sha256:${tags.join()}`,
  ParentId: '',
  RepoTags: tags,
  RepoDigests: [],
  Created: 0,
  Size: 0,
  SharedSize: -1,
  Labels: labels,
  Containers: -1,
});

test('reference patterns match the repository or repo:tag; "*" stays within one path component', () => {
  assert.ok(referenceMatches('busybox', 'busybox:latest'));
  assert.ok(referenceMatches('busybox:latest', 'busybox:latest'));
  assert.ok(referenceMatches('busy*', 'busybox:1.36'));
  assert.ok(referenceMatches('127.0.0.1:5000/ns/app', '127.0.0.1:5000/ns/app:1.0'));
  assert.ok(referenceMatches('127.0.0.1:5000/ns/*:1.?', '127.0.0.1:5000/ns/app:1.0'));
  assert.ok(!referenceMatches('127.0.0.1:5000/*', '127.0.0.1:5000/ns/app:1.0'));
  assert.ok(!referenceMatches('busybox:1', 'busybox:1.36'));
});

test('filters: reference, dangling, label; unknown filters are refused', () => {
  const images = [img(['a:1']), img(['b:2'], { tier: 'web' }), img([])];
  assert.deepEqual(filterImages(images, new Map([['reference', ['a']]])).map((i) => i.RepoTags), [['a:1']]);
  assert.deepEqual(filterImages(images, new Map([['dangling', ['true']]])).map((i) => i.RepoTags), [[]]);
  assert.equal(filterImages(images, new Map([['dangling', ['false']]])).length, 2);
  assert.deepEqual(filterImages(images, new Map([['label', ['tier=web']]])).map((i) => i.RepoTags), [['b:2']]);
  assert.equal(filterImages(images, new Map([['label', ['tier=db']]])).length, 0);
  assert.throws(() => filterImages(images, new Map([['until', ['1h']]])), (e: unknown) => isBerthError(e, 'InvalidArgument'));
});
