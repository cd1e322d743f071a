// CLI: `probity nlp train | eval | classify` — the complaint-text classifier (投诉文本分类).
// No database: the corpus and the model are files in this folder.
import fs from 'node:fs';
import type { Command } from 'commander';
import { action } from '../../cli/runtime.ts';
import { AppError } from '../../lib/errors.ts';
import { CATEGORY_LABELS, CONDUCT_CATEGORIES } from './categories.ts';
import { DEFAULT_CORPUS_PATH, loadCorpus, trainingFingerprint } from './corpus.ts';
import { confusionMatrix, expectedCalibrationError, figures } from './metrics.ts';
import { DEFAULT_MODEL_PATH, predict, readModel, serializeModel, trainModel } from './model.ts';

export const MIN_MACRO_F1 = 0.85;

const pct = (x: number) => x.toFixed(3);

export function registerNlpCommands(program: Command) {
  const nlp = program.command('nlp').description('complaint-text classifier (投诉文本分类): train, evaluate, classify');

  nlp.command('train')
    .description("train on the corpus's training split and write the model (choices made by cross-validation)")
    .option('--corpus <file>', 'labelled corpus, JSON lines', DEFAULT_CORPUS_PATH)
    .option('--out <file>', 'model file to write', DEFAULT_MODEL_PATH)
    .action(action(async (opts: { corpus: string; out: string }) => {
      const corpus = loadCorpus(opts.corpus);
      const started = performance.now();
      const { model } = trainModel(corpus, { progress: (line) => process.stdout.write(`${line}\n`) });
      fs.writeFileSync(opts.out, serializeModel(model));
      process.stdout.write(`wrote ${opts.out} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }));

  nlp.command('eval')
    .description(`per-category precision, recall and F1 on the held-out split; fails when macro-F1 < ${MIN_MACRO_F1}`)
    .option('--corpus <file>', 'labelled corpus, JSON lines', DEFAULT_CORPUS_PATH)
    .option('--model <file>', 'model file', DEFAULT_MODEL_PATH)
    .option('--min-f1 <x>', 'lowest acceptable macro-F1', String(MIN_MACRO_F1))
    .action(action(async (opts: { corpus: string; model: string; minF1: string }) => {
      const minF1 = Number(opts.minF1);
      if (!(minF1 >= 0 && minF1 <= 1)) throw new AppError(400, '--min-f1 must be a number between 0 and 1');
      const corpus = loadCorpus(opts.corpus);
      const model = readModel(opts.model);
      if (model.trainingFingerprint !== trainingFingerprint(corpus)) {
        throw new AppError(422, 'the model was trained on a different training split; run `probity nlp train` and commit the model');
      }
      const test = corpus.filter((e) => e.split === 'test');
      if (test.length === 0) throw new AppError(422, 'the corpus has no held-out (test) examples');
      const truth: number[] = [];
      const predicted: number[] = [];
      const confidence: number[] = [];
      for (const e of test) {
        const p = predict(model, e.text);
        truth.push(CONDUCT_CATEGORIES.indexOf(e.category));
        predicted.push(CONDUCT_CATEGORIES.indexOf(p.category));
        confidence.push(p.confidence);
      }
      const matrix = confusionMatrix(truth, predicted, CONDUCT_CATEGORIES.length);
      const f = figures(matrix);
      const out: string[] = [`held-out split: ${test.length} examples (model trained on ${model.trainingExamples})`, ''];
      out.push(`${'category'.padEnd(34)}${'precision'.padStart(10)}${'recall'.padStart(10)}${'F1'.padStart(10)}${'n'.padStart(6)}`);
      CONDUCT_CATEGORIES.forEach((c, i) => {
        const x = f.perClass[i]!;
        const name = `${CATEGORY_LABELS[c].zh} ${c}`;
        // CJK characters take two columns in a terminal.
        const width = [...name].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
        out.push(`${name}${' '.repeat(Math.max(1, 34 - width))}${pct(x.precision).padStart(10)}${pct(x.recall).padStart(10)}${pct(x.f1).padStart(10)}${String(x.support).padStart(6)}`);
      });
      out.push('');
      out.push(`accuracy ${pct(f.accuracy)}`);
      out.push(`expected calibration error ${pct(expectedCalibrationError(confidence, truth.map((t, i) => t === predicted[i])))} (mean confidence ${pct(confidence.reduce((s, c) => s + c, 0) / confidence.length)})`);
      out.push('confusion matrix (rows true, columns predicted, in the order above):');
      for (const row of matrix) out.push(`  ${row.map((n) => String(n).padStart(3)).join('')}`);
      out.push(`macro-F1 ${pct(f.macroF1)} (required ≥ ${minF1})`);
      process.stdout.write(`${out.join('\n')}\n`);
      if (f.macroF1 < minF1) throw new AppError(422, `macro-F1 ${pct(f.macroF1)} is below ${minF1}`);
    }));

  nlp.command('classify')
    .description('classify one complaint text and print the category, confidence and scores as JSON')
    .argument('<text...>', 'the complaint text')
    .option('--model <file>', 'model file', DEFAULT_MODEL_PATH)
    .action(action(async (words: string[], opts: { model: string }) => {
      const text = words.join(' ').trim();
      if (text === '') throw new AppError(400, 'give a text to classify');
      process.stdout.write(`${JSON.stringify(predict(readModel(opts.model), text), null, 2)}\n`);
    }));
}
