// Small HTTP client for the scripts that test a real server (run-against-server.sh, ledger-crash):
//
//   drive-server.ts free-port                          print a free TCP port
//   drive-server.ts wait-up URL [seconds]              wait until /healthz answers
//   drive-server.ts wait-ledger URL [min-size]         wait until the checkpoint has ≥ min-size entries and
//                                                      has not grown for 1.5 s; print its size
//   drive-server.ts write-units URL N [PREFIX] [CONC]  sign in as the demo admin and create N units,
//                                                      CONC at a time; print each acknowledged (201) code
//                                                      on stdout as it arrives; stop at the first failure
//                                                      to connect (the server was killed)
import net from 'node:net';

const [cmd, ...args] = process.argv.slice(2);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function checkpointSize(base: string): Promise<number> {
  try {
    const res = await fetch(`${base}/ledger/checkpoint`);
    if (res.status !== 200) return 0;
    return Number((await res.text()).split('\n')[1]);
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  switch (cmd) {
    case 'free-port': {
      const server = net.createServer().listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      const addr = server.address();
      server.close();
      console.log(typeof addr === 'object' && addr ? addr.port : 0);
      return;
    }
    case 'wait-up': {
      const [base, seconds = '180'] = args;
      const until = Date.now() + Number(seconds) * 1000;
      while (Date.now() < until) {
        try {
          if ((await fetch(`${base}/healthz`)).status === 200) return;
        } catch {
          // not listening yet
        }
        await sleep(200);
      }
      throw new Error(`${base} did not come up within ${seconds} s`);
    }
    case 'wait-ledger': {
      const [base, min = '1'] = args;
      const until = Date.now() + 300_000;
      let last = -1;
      let since = Date.now();
      while (Date.now() < until) {
        const size = await checkpointSize(base!);
        if (size !== last) {
          last = size;
          since = Date.now();
        } else if (size >= Number(min) && Date.now() - since >= 1500) {
          console.log(size);
          return;
        }
        await sleep(100);
      }
      throw new Error(`the ledger at ${base} did not settle at ≥ ${min} entries (last size ${last})`);
    }
    case 'write-units': {
      const [base, n, prefix = 'KC', conc = '16'] = args;
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'Demo@admin2026' }),
      });
      if (login.status !== 200) throw new Error(`login: HTTP ${login.status}`);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      let next = 0;
      let down = false;
      const total = Number(n);
      await Promise.all(Array.from({ length: Number(conc) }, async () => {
        while (!down && next < total) {
          const code = `${prefix}${String(next++).padStart(6, '0')}`;
          try {
            const res = await fetch(`${base}/api/units`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', cookie },
              body: JSON.stringify({ code, name: `崩溃测试单位${code}`, category: 'general_admin', regionCode: '990000' }),
            });
            if (res.status === 201) process.stdout.write(`${code}\n`);
            else process.stderr.write(`${code}: HTTP ${res.status} ${await res.text()}\n`);
          } catch {
            down = true; // connection refused or reset: the server is gone
          }
        }
      }));
      return;
    }
    default:
      throw new Error(`unknown command ${cmd}`);
  }
}

main().catch((err) => {
  process.stderr.write(`drive-server: ${(err as Error).message}\n`);
  process.exit(1);
});
