import v8 from 'node:v8';
import { PerformanceObserver, constants } from 'node:perf_hooks';
if (process.env.SEMI) v8.setFlagsFromString(`--max-semi-space-size=${process.env.SEMI}`);
let minor = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++; }).observe({ entryTypes: ['gc'] });
const keep = [];
const t = process.cpuUsage();
for (let i = 0; i < 3e6; i++) { const o = { a: 'x' + i, b: [i, i + 1], c: JSON.parse('{"k":' + i + '}') }; if (i % 10 === 0) keep.push(o); if (keep.length > 50000) keep.length = 0; }
const u = process.cpuUsage(t);
setTimeout(() => console.log('SEMI', process.env.SEMI ?? '-', 'minor GCs', minor, 'cpu', ((u.user + u.system) / 1e6).toFixed(2), 'new space', v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size), 100);
