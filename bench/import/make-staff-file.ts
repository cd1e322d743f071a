// Writes a staff CSV of N rows with 1% bad rows: `node bin/run-ts.mjs bench/import/make-staff-file.ts FILE N`
import { writeStaffCsv } from '../../test/helpers/files.ts';

const [file, n] = process.argv.slice(2);
if (!file || !n) {
  console.error('usage: make-staff-file.ts FILE ROWS');
  process.exit(2);
}
const f = writeStaffCsv(file, Number(n), 100, 'bench');
console.log(`${file}: ${f.good} good rows, ${f.bad.length} bad rows`);
