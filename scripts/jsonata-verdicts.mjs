#!/usr/bin/env node
// Builds tests/data/jsonata-verdicts.tsv: the verdict of the reference JSONata parser
// (npm jsonata@2.0.6, the version Step Functions runs) on every seed expression of
// tests/data/jsonata-seeds.txt and on systematic mutations of each.
//
//   node scripts/jsonata-verdicts.mjs
//
// The package is installed under target/jsonata-reference (never into the repository).
// The output is deterministic: the same seeds give the same table. tests/jsonata_reference.rs
// reads the committed table and needs no network.
//
//   node scripts/jsonata-verdicts.mjs --random 30000 --seed 7
//   JSONATA_VERDICTS=target/jsonata-random-verdicts.tsv cargo test --test jsonata_reference
//
// writes instead a table of random expressions (grammar-built, some with a character
// deleted) to target/, for a larger one-off comparison.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = '2.0.6';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prefix = join(root, 'target', 'jsonata-reference');
const seedsPath = join(root, 'tests', 'data', 'jsonata-seeds.txt');
const committedTable = join(root, 'tests', 'data', 'jsonata-verdicts.tsv');

function loadReference() {
  const manifest = join(prefix, 'node_modules', 'jsonata', 'package.json');
  const installed = existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version;
  if (installed !== VERSION) {
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock',
      '--no-audit', '--no-fund', `jsonata@${VERSION}`], { stdio: 'inherit' });
  }
  return createRequire(join(prefix, 'package.json'))('jsonata');
}

function readSeeds() {
  const seeds = [];
  for (const line of readFileSync(seedsPath, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    seeds.push(line.startsWith('json:') ? JSON.parse(line.slice(5)) : line);
  }
  return seeds;
}

// A small deterministic generator (mulberry32), so reruns pick the same mutation points.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const STRUCTURAL = '()[]{}\'"`/|';
const SWAPS = { '(': '[', ')': ']', '[': '{', ']': '}', '{': '(', '}': ')' };
const OPERATOR_CHANGES = [
  ['=', '=='], [' and ', ' && '], [' or ', ' || '], ['!=', '<>'], ['&', '+'], [':=', '='],
  ['.', '..'], ['?', '??'], [':', '?:'], ['$', ''], [',', ';'], [';', ','], ['<=', '=<'],
  ['~>', '->'], ['>', '>>'], ["'", '"'], ['function', 'fn'], ['$states', 'states'],
];

// Mutations of one seed: truncations, deletions and duplications of structural characters,
// swapped brackets, operator changes, the 2.1 operators `??` and `?:`, stray trailing tokens.
function mutate(seed) {
  const chars = [...seed];
  const rand = random(hash(seed));
  const pick = (n) => Math.floor(rand() * n);
  const out = new Set();
  const positions = chars.flatMap((c, i) => (STRUCTURAL.includes(c) ? [i] : []));
  if (chars.length > 1) {
    out.add(chars.slice(0, chars.length - 1).join(''));
    out.add(chars.slice(0, 1 + pick(chars.length - 1)).join(''));
  }
  if (positions.length > 0) {
    const at = positions[pick(positions.length)];
    out.add([...chars.slice(0, at), ...chars.slice(at + 1)].join(''));
    const dup = positions[pick(positions.length)];
    out.add([...chars.slice(0, dup + 1), ...chars.slice(dup)].join(''));
    const swappable = positions.filter((i) => SWAPS[chars[i]]);
    if (swappable.length > 0) {
      const s = swappable[pick(swappable.length)];
      out.add([...chars.slice(0, s), SWAPS[chars[s]], ...chars.slice(s + 1)].join(''));
    }
  }
  const changes = OPERATOR_CHANGES.filter(([from]) => seed.includes(from));
  if (changes.length > 0) {
    const [from, to] = changes[pick(changes.length)];
    out.add(seed.replace(from, to));
  }
  switch (pick(6)) {
    case 0: out.add(`${seed} ?? 0`); break;
    case 1: out.add(`${seed} ?: 'none'`); break;
    case 2: out.add(`(${seed}) ?? $x`); break;
    case 3: out.add(`${seed})`); break;
    case 4: out.add(`${seed},`); break;
    default: out.add(`(${seed}`); break;
  }
  out.delete(seed);
  return [...out];
}

function verdict(jsonata, expr) {
  try {
    jsonata(expr);
    return ['valid', '', ''];
  } catch (err) {
    const code = err && err.code ? err.code : (err && err.name) || 'Error';
    const position = err && Number.isInteger(err.position) ? String(err.position) : '';
    return ['invalid', code, position];
  }
}

// Random expressions from a small grammar of JSONata's constructs.
function randomExpressions(count, seed) {
  const rand = random(seed);
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const atoms = ['a', 'b', 'Price', '`odd name`', 'and', 'or', 'in', '*', '**', '%', '$', '$$',
    '$x', '$states', 'input', 'true', '1', '"s"', '-1'];
  const expr = (d) => {
    if (d > 4) return pick(atoms);
    const sub = () => expr(d + 1);
    const r = rand();
    if (r < 0.2) return pick(atoms);
    if (r < 0.35) return sub() + pick(['.', '.', '+', '-', '*', '/', '%', '=', '!=', '<', '<=', '>',
      '>=', '&', ' and ', ' or ', ' in ', ' ~> ']) + sub();
    if (r < 0.45) return `${sub()}[${pick(['', sub()])}]`;
    if (r < 0.5) return `${sub()}^(${pick(['<', '>', ''])}${sub()})`;
    if (r < 0.55) return `${sub()}{${sub()}:${sub()}}`;
    if (r < 0.6) return `(${sub()}${pick([';', ''])}${pick(['', sub()])})`;
    if (r < 0.65) return `[${sub()}${pick(['', '..' + sub(), ',' + sub()])}]`;
    if (r < 0.7) return `$f(${pick(['', '?', sub(), sub() + ',' + sub(), '?, ' + sub()])})`;
    if (r < 0.74) return `function(${pick(['', '$x', '$x, $y', 'x'])})${pick(['', '<n:n>',
      '<a<n>:n>', '<x-b?:s>', '<s++>', '<n<s>>'])}{${sub()}}`;
    if (r < 0.78) return `${sub()} ? ${sub()}${pick(['', ' : ' + sub()])}`;
    if (r < 0.82) return `$v := ${sub()}`;
    if (r < 0.86) return sub() + pick(['@', '#']) + pick(['$v', '$i', 'x']);
    if (r < 0.9) return `|${sub()}|${sub()}${pick(['', ',' + sub()])}|`;
    if (r < 0.94) return `-${sub()}`;
    return `/${pick(['a', 'a+', '[0-9]{2}', '(x)|y', 'a**', '(?<n>x)\\k<n>', '[z-a]'])}/${pick(['', 'i', 'm', 'ii'])}`;
  };
  const out = new Set();
  while (out.size < count) {
    let e = expr(0);
    if (rand() < 0.3) {
      const i = Math.floor(rand() * e.length);
      e = e.slice(0, i) + e.slice(i + 1);
    }
    out.add(e);
  }
  return out;
}

const argument = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
};
const jsonata = loadReference();
let expressions = new Set();
let tablePath = committedTable;
if (argument('--random')) {
  expressions = randomExpressions(argument('--random'), argument('--seed') ?? 1);
  tablePath = join(root, 'target', 'jsonata-random-verdicts.tsv');
} else {
  for (const seed of readSeeds()) {
    expressions.add(seed);
    for (const m of mutate(seed)) expressions.add(m);
  }
}
const rows = [
  `# Verdicts of jsonata@${VERSION} (npm) on each expression; written by scripts/jsonata-verdicts.mjs.`,
  '# expression (JSON string)\tverdict\terror code\tposition (UTF-16 offset, as the reference reports it)',
];
let invalid = 0;
for (const expr of expressions) {
  const [v, code, position] = verdict(jsonata, expr);
  if (v === 'invalid') invalid++;
  rows.push([JSON.stringify(expr), v, code, position].join('\t'));
}
writeFileSync(tablePath, rows.join('\n') + '\n');
console.log(`${expressions.size} expressions (${expressions.size - invalid} valid, ${invalid} invalid) written to ${tablePath}`);
