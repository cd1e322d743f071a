// bench/nlp: how long classifyComplaint takes per text once loaded, and how long the first call
// (dictionary + model load) takes. Texts are the corpus's held-out split, classified in rounds.
import os from 'node:os';
import { classifyComplaint } from '../../src/features/nlp/classifier.ts';
import { loadCorpus } from '../../src/features/nlp/corpus.ts';

const at = process.argv.indexOf('--rounds');
const rounds = at > 0 ? Number(process.argv[at + 1]) : 20;
if (!(Number.isInteger(rounds) && rounds > 0)) throw new Error('--rounds must be a positive integer');
const texts = loadCorpus().filter((e) => e.split === 'test').map((e) => e.text);

const t0 = performance.now();
classifyComplaint(texts[0]!);
const firstCall = performance.now() - t0;

const perText: number[] = [];
for (let r = 0; r < rounds; r++) {
  const started = performance.now();
  for (const t of texts) classifyComplaint(t);
  perText.push((performance.now() - started) / texts.length);
}
perText.sort((a, b) => a - b);
const lengths = texts.map((t) => [...t].length).sort((a, b) => a - b);
console.log(`first call (jieba dictionary + model load): ${firstCall.toFixed(0)} ms`);
console.log(`per text, median of ${rounds} rounds over ${texts.length} held-out texts (median length ${lengths[lengths.length >> 1]} chars): ${(perText[perText.length >> 1]! * 1000).toFixed(0)} µs (best ${(perText[0]! * 1000).toFixed(0)} µs, worst ${(perText[perText.length - 1]! * 1000).toFixed(0)} µs)`);
console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
