// Grammar tests for the three TextMate grammars in syntaxes/:
//  1. the generated JSON matches its source (syntaxes/src/build-grammars.mjs);
//  2. snapshot tests: vscode-tmgrammar-snap over test/grammar/cases/*.<ext>, compared with the committed .snap files
//     (never updated here; see test/grammar/update-snapshots.mjs);
//  3. direct assertions that specific tokens get specific scopes, so a broken grammar fails with a readable message
//     even if someone regenerated the snapshots without looking;
//  4. the language-configuration files (brackets, wordPattern behaviour).
//
// Compiled by tsc to out/test/grammar/grammar.test.js (CommonJS) and run with `node --test`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

// ---------------------------------------------------------------------------------------------------------------
// Locating the repository
// ---------------------------------------------------------------------------------------------------------------

function isRepoRoot(dir: string): boolean {
  return (
    fs.existsSync(path.join(dir, 'syntaxes', 'cucm-syslog.tmLanguage.json')) &&
    fs.existsSync(path.join(dir, 'test', 'grammar', 'cases'))
  );
}

/** out/test/grammar/ -> repo root in the real build; fall back to the cwd (e.g. when compiled elsewhere). */
function findRepoRoot(): string {
  const candidates = [path.resolve(__dirname, '..', '..', '..'), path.resolve(__dirname, '..', '..'), process.cwd()];
  for (const c of candidates) if (isRepoRoot(c)) return c;
  throw new Error(`cannot find the repository root from ${__dirname} or ${process.cwd()}`);
}

const ROOT = findRepoRoot();
const CASES_DIR = path.join(ROOT, 'test', 'grammar', 'cases');
const CONFIG = path.join('test', 'grammar', 'tmgrammar.config.json');
const requireFromRoot = createRequire(path.join(ROOT, 'package.json'));

interface GrammarInfo {
  scopeName: string;
  language: string;
  extension: string;
  suffix: string;
}

const GRAMMARS: GrammarInfo[] = [
  { scopeName: 'source.cucm-syslog', language: 'cucm-syslog', extension: '.cucm-syslog', suffix: 'cucm-syslog' },
  { scopeName: 'source.cucm-trace', language: 'cucm-trace', extension: '.cucm-trace', suffix: 'cucm-trace' },
  {
    scopeName: 'source.capture-export',
    language: 'capture-export',
    extension: '.capture-export',
    suffix: 'capture-export',
  },
];

function grammarPath(g: GrammarInfo): string {
  return path.join(ROOT, 'syntaxes', `${g.language}.tmLanguage.json`);
}

function snapshotBin(): string {
  const pkgPath = requireFromRoot.resolve('vscode-tmgrammar-test/package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8')) as { bin: Record<string, string> };
  const bin = pkg.bin['vscode-tmgrammar-snap'];
  assert.ok(bin, 'vscode-tmgrammar-test has no vscode-tmgrammar-snap bin');
  return path.join(path.dirname(pkgPath), bin);
}

// ---------------------------------------------------------------------------------------------------------------
// Tokenizing with the same engine VS Code uses (vscode-textmate + vscode-oniguruma, via vscode-tmgrammar-test)
// ---------------------------------------------------------------------------------------------------------------

interface Token {
  startIndex: number;
  endIndex: number;
  scopes: string[];
}
interface Grammar {
  tokenizeLine(line: string, ruleStack: unknown): { tokens: Token[]; ruleStack: unknown };
}
interface Registry {
  loadGrammar(scopeName: string): Promise<Grammar | null>;
}
interface TmGrammarTestCommon {
  createRegistry(grammars: Array<{ path: string; scopeName: string }>): Registry;
}

let registryPromise: Promise<Registry> | undefined;
function registry(): Promise<Registry> {
  if (!registryPromise) {
    const common = requireFromRoot('vscode-tmgrammar-test/dist/common/index.js') as TmGrammarTestCommon;
    registryPromise = Promise.resolve(
      common.createRegistry(GRAMMARS.map((g) => ({ path: grammarPath(g), scopeName: g.scopeName }))),
    );
  }
  return registryPromise;
}

interface TokenizedLine {
  line: string;
  tokens: Array<{ text: string; start: number; end: number; scopes: string[] }>;
}

async function tokenize(scopeName: string, text: string): Promise<TokenizedLine[]> {
  const grammar = await (await registry()).loadGrammar(scopeName);
  assert.ok(grammar, `grammar ${scopeName} did not load`);
  let stack: unknown = null;
  return text.split(/\r?\n/).map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return {
      line,
      tokens: r.tokens.map((t) => ({
        text: line.slice(t.startIndex, t.endIndex),
        start: t.startIndex,
        end: Math.min(t.endIndex, line.length),
        scopes: t.scopes,
      })),
    };
  });
}

function describeLine(l: TokenizedLine): string {
  return l.tokens.map((t) => `  ${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`).join('\n');
}

/**
 * Scopes of the token that is exactly `needle` in `l` (the occurrence after `after`, if given). Fails when the
 * grammar did not produce a token with exactly these boundaries, e.g. when "Reason=13" came out as one token.
 */
function scopesOf(l: TokenizedLine, needle: string, after?: string): string[] {
  const from = after === undefined ? 0 : l.line.indexOf(after);
  assert.ok(from >= 0, `test bug: ${JSON.stringify(after)} not in line ${JSON.stringify(l.line)}`);
  const at = l.line.indexOf(needle, after === undefined ? 0 : from + after.length);
  assert.ok(at >= 0, `test bug: ${JSON.stringify(needle)} not in line ${JSON.stringify(l.line)}`);
  const tok = l.tokens.find((t) => t.start === at && t.end === at + needle.length);
  assert.ok(tok, `no token is exactly ${JSON.stringify(needle)} at column ${at} in:\n${l.line}\n${describeLine(l)}`);
  return tok.scopes;
}

function assertScope(l: TokenizedLine, needle: string, scope: string, after?: string): void {
  const scopes = scopesOf(l, needle, after);
  assert.ok(
    scopes.includes(scope),
    `${JSON.stringify(needle)} should have scope ${scope}, got: ${scopes.join(' ')}\nline: ${l.line}`,
  );
}

function assertNoScope(l: TokenizedLine, prefix: string): void {
  for (const t of l.tokens) {
    const bad = t.scopes.find((s) => s === prefix || s.startsWith(prefix + '.'));
    assert.equal(bad, undefined, `${JSON.stringify(t.text)} unexpectedly has ${bad}\nline: ${l.line}`);
  }
}

async function one(scopeName: string, line: string): Promise<TokenizedLine> {
  const lines = await tokenize(scopeName, line);
  return lines[0]!;
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Generated grammar JSON is in sync with its source
// ---------------------------------------------------------------------------------------------------------------

test('syntaxes/*.tmLanguage.json are up to date with syntaxes/src/build-grammars.mjs', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'syntaxes', 'src', 'build-grammars.mjs'), '--check'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `grammar JSON is stale:\n${r.stdout}${r.stderr}`);
});

test('grammar files declare the expected scope names and only suffixed scopes', () => {
  for (const g of GRAMMARS) {
    const json = JSON.parse(fs.readFileSync(grammarPath(g), 'utf8')) as {
      scopeName: string;
      patterns: unknown;
      repository: unknown;
    };
    assert.equal(json.scopeName, g.scopeName);
    const names: string[] = [];
    const walk = (v: unknown, key?: string): void => {
      if (Array.isArray(v)) v.forEach((x) => walk(x));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
      else if (typeof v === 'string' && (key === 'name' || key === 'contentName')) names.push(v);
    };
    walk({ patterns: json.patterns, repository: json.repository }); // rules only: the top-level name is a title
    assert.ok(names.length > 10, `${g.scopeName}: too few scope names`);
    for (const n of names) {
      for (const s of n.split(/\s+/)) {
        assert.ok(s.endsWith(`.${g.suffix}`), `${g.scopeName}: scope ${s} lacks the .${g.suffix} suffix`);
        assert.ok(!s.startsWith('invalid'), `${g.scopeName}: uses ${s}; use markup.deleted.* instead`);
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------------------------
// 2. Snapshot tests
// ---------------------------------------------------------------------------------------------------------------

for (const g of GRAMMARS) {
  test(`snapshots: ${g.scopeName}`, () => {
    const cases = fs.readdirSync(CASES_DIR).filter((f) => f.endsWith(g.extension));
    assert.ok(cases.length > 0, `no test cases *${g.extension} in ${CASES_DIR}`);
    // vscode-tmgrammar-snap silently writes a missing snapshot and reports success: refuse that here.
    const missing = cases.filter((f) => !fs.existsSync(path.join(CASES_DIR, f + '.snap')));
    assert.deepEqual(missing, [], `cases without a snapshot (run: node test/grammar/update-snapshots.mjs)`);

    const glob = `test/grammar/cases/*${g.extension}`;
    const r = spawnSync(process.execPath, [snapshotBin(), '--config', CONFIG, glob], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    assert.equal(r.error, undefined, String(r.error));
    assert.equal(
      r.status,
      0,
      `vscode-tmgrammar-snap reported differences for ${glob} (if the change is intended: node test/grammar/update-snapshots.mjs)\n${r.stdout}${r.stderr}`,
    );
    for (const c of cases) assert.match(r.stdout, new RegExp(`${c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} run successfully`));
  });
}

test('no token in any test case gets an invalid.* scope', async () => {
  for (const g of GRAMMARS) {
    for (const f of fs.readdirSync(CASES_DIR).filter((x) => x.endsWith(g.extension))) {
      const lines = await tokenize(g.scopeName, fs.readFileSync(path.join(CASES_DIR, f), 'utf8'));
      for (const l of lines) assertNoScope(l, 'invalid');
    }
  }
});

// ---------------------------------------------------------------------------------------------------------------
// 3. Direct scope assertions
// ---------------------------------------------------------------------------------------------------------------

const SYSLOG = 'source.cucm-syslog';
const TRACE = 'source.cucm-trace';
const CAPTURE = 'source.capture-export';

test('cucm-syslog: receiver-prefixed EndPointUnregistered alarm', async () => {
  const l = await one(
    SYSLOG,
    '9 ucm-a local7 3 : 701: ucm-a.lab.example Feb 03 2025 14:00:01 UTC :   %UC_CALLMANAGER-3-EndPointUnregistered: ' +
      '%[DeviceName=SEP001122334455][IPAddress=10.1.2.3][IPV6Address=][DeviceType=36213][Reason=13][IPAddrAttributes=0]' +
      '[AppID=Cisco CallManager]: An endpoint has unregistered',
  );
  const s = (x: string) => `${x}.cucm-syslog`;
  assertScope(l, 'ucm-a', s('entity.name.namespace.host'));
  assertScope(l, 'local7', s('support.constant.facility'));
  assertScope(l, 'ucm-a.lab.example', s('entity.name.namespace.host'));
  assertScope(l, 'Feb 03 2025 14:00:01 UTC', s('constant.numeric.date'));
  assertScope(l, 'UC_CALLMANAGER', s('entity.name.namespace.facility'));
  assertScope(l, '3', s('constant.numeric.severity'), 'UC_CALLMANAGER-');
  assertScope(l, '3', s('markup.error'), 'UC_CALLMANAGER-');
  assertScope(l, 'EndPointUnregistered', s('keyword.control.alarm.unregistered'));
  assertScope(l, '[', s('punctuation.definition.tag.begin'), '%');
  assertScope(l, 'DeviceName', s('variable.parameter.key'));
  assertScope(l, '=', s('keyword.operator.assignment'), 'DeviceName');
  assertScope(l, 'SEP001122334455', s('entity.name.type.device'));
  assertScope(l, 'SEP001122334455', s('string.unquoted.value'));
  assertScope(l, ']', s('punctuation.definition.tag.end'), 'SEP001122334455');
  assertScope(l, '10.1.2.3', s('constant.numeric.ip'));
  assertScope(l, '36213', s('constant.numeric.device-type'));
  assertScope(l, '13', s('constant.numeric.reason'), 'Reason=');
  // IPAddrAttributes is not an IP address key
  const attr = scopesOf(l, '0', 'IPAddrAttributes=');
  assert.ok(attr.includes(s('string.unquoted.value')) && !attr.includes(s('constant.numeric.ip')), attr.join(' '));
  assertScope(l, 'Cisco CallManager', s('string.unquoted.value'));
  assertScope(l, 'An endpoint has unregistered', s('string.unquoted.message'));
});

test('cucm-syslog: alarm name classes and severity classes', async () => {
  const s = (x: string) => `${x}.cucm-syslog`;
  const cases: Array<[string, string, string]> = [
    ['EndPointUnregistered', '3', 'keyword.control.alarm.unregistered'],
    ['DeviceUnregistered', '4', 'keyword.control.alarm.unregistered'],
    ['EndPointTransientConnection', '3', 'keyword.control.alarm.failure'],
    ['DeviceTransientConnection', '3', 'keyword.control.alarm.failure'],
    ['ConnectionFailure', '3', 'keyword.control.alarm.failure'],
    ['EndPointRegistered', '6', 'keyword.other.alarm.registered'],
    ['DeviceRegistered', '6', 'keyword.other.alarm.registered'],
    ['CertValidityOver30Days', '5', 'entity.name.function.alarm'],
  ];
  const severityClass: Record<string, string> = { '3': 'markup.error', '4': 'markup.warning', '5': 'markup.info', '6': 'markup.info' };
  for (const [name, sev, scope] of cases) {
    const l = await one(SYSLOG, `5: h.example: Feb 03 2025 14:00:01.5 UTC: %UC_CALLMANAGER-${sev}-${name}: %[A=b]: text`);
    assertScope(l, name, s(scope));
    assertScope(l, sev, s('constant.numeric.severity'), 'CALLMANAGER-');
    assertScope(l, sev, s(severityClass[sev]!), 'CALLMANAGER-');
  }
});

test('cucm-syslog: envelope variants (PRI, RFC 3164, ISO, accuracy star, spaced tags, IPv6)', async () => {
  const s = (x: string) => `${x}.cucm-syslog`;
  let l = await one(
    SYSLOG,
    '<187>88: ucm-b.lab.example: *Feb 03 2025 14:00:02.250 UTC: %UC_CALLMANAGER-6-EndPointRegistered: %[DeviceName=SEPA0B1C2D3E4F5] [IPV6Address=2001:db8::42]: Endpoint registered',
  );
  assertScope(l, '187', s('constant.numeric.priority'));
  assertScope(l, '88', s('constant.numeric.sequence'));
  assertScope(l, '*', s('keyword.operator.accuracy'));
  assertScope(l, 'Feb 03 2025 14:00:02.250 UTC', s('constant.numeric.date'));
  assertScope(l, 'SEPA0B1C2D3E4F5', s('entity.name.type.device'));
  assertScope(l, '2001:db8::42', s('constant.numeric.ip'));
  assertScope(l, 'EndPointRegistered', s('keyword.other.alarm.registered'));

  l = await one(SYSLOG, 'Feb  3 14:00:03 10.9.9.9 89: ucm-b.lab.example: Feb 03 2025 14:00:03.000 UTC: %UC_CALLMANAGER-4-DeviceUnregistered: %[Reason=8]: x');
  assertScope(l, 'Feb  3 14:00:03', s('constant.numeric.date'));
  assertScope(l, '10.9.9.9', s('entity.name.namespace.host'));
  assertScope(l, '4', s('markup.warning'), 'CALLMANAGER-');
  assertScope(l, '8', s('constant.numeric.reason'), 'Reason=');

  l = await one(SYSLOG, '2025-02-03T14:00:04.100+01:00 ucm-c 90: ucm-c.lab.example: Feb 03 2025 13:00:04.100 UTC: %UC_CALLMANAGER-3-ConnectionFailure: %[Reason=2]: y');
  assertScope(l, '2025-02-03T14:00:04.100+01:00', s('constant.numeric.date'));
  assertScope(l, 'ucm-c', s('entity.name.namespace.host'));
  assertScope(l, 'ConnectionFailure', s('keyword.control.alarm.failure'));
});

test('cucm-syslog: non-alarm lines get at most timestamp and host scopes', async () => {
  const allowed = ['constant.numeric.date', 'entity.name.namespace.host', 'punctuation'];
  for (const line of [
    'Feb  3 14:01:00 ucm-a cron[101]: session opened for user root',
    'Feb  3 14:01:05 access-sw-3 12: %LINEPROTO-5-UPDOWN: Line protocol on Interface Gi1/0/7, changed state to down',
    'random text [Key=Value] %[not=alarm]: nothing here',
    '',
  ]) {
    const l = await one(SYSLOG, line);
    for (const t of l.tokens) {
      for (const sc of t.scopes.slice(1)) {
        assert.ok(
          allowed.some((a) => sc.startsWith(a + '.')),
          `${JSON.stringify(t.text)} got ${sc} in non-alarm line ${JSON.stringify(line)}`,
        );
      }
    }
  }
});

test('cucm-syslog: truncated alarm lines do not leak state into the next line', async () => {
  const s = (x: string) => `${x}.cucm-syslog`;
  const lines = await tokenize(
    SYSLOG,
    [
      '91: ucm-a.lab.example: Feb 03 2025 14:02:00.000 UTC: %UC_CALLMANAGER-3-EndPointUnregistered: %[DeviceName=SEP001122334455][Reas',
      '92: ucm-a.lab.example: Feb 03 2025 14:02:01.000 UTC: %UC_CALLMANAGER-3-EndPointUnregistered: %[DeviceName=SEP001122334466][IPAddress=10.1.2',
      '93: ucm-a.lab.example: Feb 03 2025 14:02:02.000 UTC: %UC_CALLMANAGER-6-DeviceRegistered: %[Reason=1]: ok',
    ].join('\n'),
  );
  assertScope(lines[0]!, 'Reas', s('variable.parameter.key'));
  assertScope(lines[1]!, '10.1.2', s('string.unquoted.value'));
  assertScope(lines[2]!, '93', s('constant.numeric.sequence'));
  assertNoScope({ line: lines[2]!.line, tokens: lines[2]!.tokens.slice(0, 1) }, 'meta.alarm.cucm-syslog');
  assertScope(lines[2]!, 'DeviceRegistered', s('keyword.other.alarm.registered'));
});

test('cucm-syslog: CUCM 5.x/6.x event-log form and SDL AlarmErr records', async () => {
  const s = (x: string) => `${x}.cucm-syslog`;
  let l = await one(
    SYSLOG,
    '%CCM_CALLMANAGER-CALLMANAGER-3-DeviceUnregistered: Device unregistered. Device name.:SEP0A0B0C0D0E0F Device IP address.:10.3.3.3 Protocol.:SCCP Device type. [Optional]:7 Reason Code [Optional].:12',
  );
  assertScope(l, 'CCM_CALLMANAGER-CALLMANAGER', s('entity.name.namespace.facility'));
  assertScope(l, 'DeviceUnregistered', s('keyword.control.alarm.unregistered'));
  assertScope(l, 'Device unregistered.', s('string.unquoted.message'));
  assertScope(l, 'Device name.', s('variable.parameter.key'));
  assertScope(l, 'SEP0A0B0C0D0E0F', s('entity.name.type.device'));
  assertScope(l, '10.3.3.3', s('constant.numeric.ip'));
  assertScope(l, '7', s('constant.numeric.device-type'), 'Device type. [Optional]:');
  assertScope(l, '12', s('constant.numeric.reason'), 'Reason Code [Optional].:');

  l = await one(
    SYSLOG,
    '00123456.046 |14:03:00.123 |AlarmErr |AlarmClass: CallManager, AlarmName: ConnectionFailure, AlarmSeverity: Error, AlarmMessage: , AlarmDescription: TLS failed, AlarmParameters: DeviceName:SEP0A0B0C0D0E0F, IPAddress:10.3.3.3, IPV6Address:, DeviceType:36670, Reason:2, NodeID:ucm-a,',
  );
  assertScope(l, '00123456.046', s('comment.line.header'));
  assertScope(l, '14:03:00.123', s('constant.numeric.date'));
  assertScope(l, 'AlarmErr', s('keyword.other.record-type'));
  assertScope(l, 'ConnectionFailure', s('keyword.control.alarm.failure'));
  assertScope(l, 'Error', s('markup.error'));
  assertScope(l, 'TLS failed', s('string.unquoted.message'));
  assertScope(l, 'SEP0A0B0C0D0E0F', s('entity.name.type.device'));
  assertScope(l, '10.3.3.3', s('constant.numeric.ip'));
  assertScope(l, '36670', s('constant.numeric.device-type'));
  assertScope(l, '2', s('constant.numeric.reason'), 'Reason:');

  l = await one(SYSLOG, '00123457.001 |14:03:01.000 |AlarmWarn|AlarmClass: CallManager, AlarmName: EndPointUnregistered, AlarmParameters: Reason:13,');
  assertScope(l, 'AlarmWarn', s('markup.warning'));
  assertScope(l, 'EndPointUnregistered', s('keyword.control.alarm.unregistered'));
  assertScope(l, '13', s('constant.numeric.reason'));
});

test('cucm-trace: SDL headers, SIP messages, markers, devices, SDI lines', async () => {
  const s = (x: string) => `${x}.cucm-trace`;
  const lines = await tokenize(
    TRACE,
    [
      '01234567.003 |10:00:00.001 |AppInfo  |SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from 10.2.2.2 on port 50000 index 5 with 700 bytes:',
      '[4242,NET]',
      'REGISTER sip:10.2.0.1 SIP/2.0',
      'Contact: <sip:a@10.2.2.2:50000;transport=tcp>;+u.sip!devicename.ccm.cisco.com="SEP00FFEEDDCCBB";expires=0;cisco-keep-alive',
      'Expires: 0',
      'SIP/2.0 200 OK',
      '01234570.046 |10:00:01.000 |AlarmErr |AlarmClass: CallManager, AlarmName: EndPointUnregistered, AlarmParameters: Reason:13,',
      '10:00:02.000 CCM|StationD - stationOutputKeepAliveAck tcpHandle=0x1',
      '10:00:02.000 CCM|StationInit - InboundStim - KeepAliveMessage DeviceName=SEP00FFEEDDCC01, IPAddr=10.2.2.3',
    ].join('\n'),
  );
  const [hdr, marker, req, contact, expires, status, alarm, sdiAck, sdiKa] = lines;
  assertScope(hdr!, '01234567.003', s('comment.line.header'));
  assertScope(hdr!, '10:00:00.001', s('constant.numeric.date'));
  assertScope(hdr!, 'AppInfo', s('keyword.other.record-type'));
  assertScope(hdr!, '10.2.2.2', s('constant.numeric.ip'));
  assertScope(marker!, '4242', s('constant.numeric.sip.counter'));
  assertScope(req!, 'REGISTER', s('keyword.other.sip.method'));
  assertScope(req!, 'SIP/2.0', s('constant.other.sip.version'));
  assertScope(contact!, 'Contact', s('variable.other.sip.header'));
  assertScope(contact!, 'SEP00FFEEDDCCBB', s('entity.name.type.device'));
  assertScope(contact!, 'cisco-keep-alive', s('keyword.other.keepalive'));
  assertScope(expires!, 'Expires', s('variable.other.sip.header'));
  assertScope(expires!, '0', s('constant.numeric.sip.expires'));
  assertScope(status!, '200', s('constant.numeric.sip.status'));
  assertScope(alarm!, 'AlarmErr', s('keyword.control.alarm'));
  assertScope(alarm!, 'EndPointUnregistered', s('keyword.control.alarm.unregistered'));
  assertScope(sdiAck!, '10:00:02.000', s('constant.numeric.date'));
  assertScope(sdiAck!, 'StationD', s('entity.name.function.component'));
  assertScope(sdiAck!, 'stationOutputKeepAliveAck', s('keyword.other.keepalive.ack'));
  assertScope(sdiKa!, 'KeepAliveMessage', s('keyword.other.keepalive'));
  assertScope(sdiKa!, 'SEP00FFEEDDCC01', s('entity.name.type.device'));
  assertScope(sdiKa!, '10.2.2.3', s('constant.numeric.ip'));
});

test('capture-export: header, summary columns, analysis labels, SIP, ARP, SCCP', async () => {
  const s = (x: string) => `${x}.capture-export`;
  const lines = await tokenize(
    CAPTURE,
    [
      'No.     Time           Source                Destination           Protocol Length Info',
      '     77 12.000100      10.5.5.5              10.5.0.1              TCP      60     [TCP Retransmission] 50500 → 2000 [PSH, ACK] Seq=1 Ack=1 Win=4128 Len=12',
      '     78 12.000200      10.5.0.1              10.5.5.5              TCP      60     [TCP Dup ACK 76#1] 2000 → 50500 [RST, ACK] Seq=1 Ack=13 Win=0 Len=0',
      '   79 12.5 10.5.5.5 → 10.5.0.1 SIP 650 Request: REGISTER sip:10.5.0.1 | ',
      '   80 12.6 10.5.0.1 → 10.5.5.5 SIP 500 Status: 200 OK (REGISTER) | ',
      '   81 13.0 Cisco_01:02:03 → Broadcast ARP 60 Who has 10.5.0.1? Tell 10.5.5.5',
      '   82 13.1 00:aa:bb:cc:dd:ee → Cisco_01:02:03 ARP 60 10.5.0.1 is at 00:aa:bb:cc:dd:ee',
      '   83 14.0 10.5.5.6 → 10.5.0.1 SKINNY 56 KeepAliveReq ',
      '   84 14.1 10.5.0.1 → 10.5.5.6 SKINNY 56 KeepAliveAck ',
      '"85","14.200000","10.5.5.6","10.5.0.1","TCP","62","[TCP Previous segment not captured] 50600  >  2000 [SYN] Seq=0 Win=4128 Len=0"',
    ].join('\n'),
  );
  const [header, retrans, dup, request, status, whoHas, isAt, ka, kaAck, csv] = lines;
  assertScope(header!, 'No.', s('markup.heading.column'));
  assertScope(header!, 'Destination', s('markup.heading.column'));
  assertScope(retrans!, '77', s('constant.numeric.frame'));
  assertScope(retrans!, '12.000100', s('constant.numeric.time'));
  assertScope(retrans!, '10.5.5.5', s('constant.numeric.ip'));
  assertScope(retrans!, 'TCP', s('support.type.protocol'));
  assertScope(retrans!, '60', s('constant.numeric.length'));
  assertScope(retrans!, 'TCP Retransmission', s('markup.deleted.analysis'));
  assertScope(retrans!, '50500', s('constant.numeric.port'));
  assertScope(dup!, 'TCP Dup ACK ', s('markup.deleted.analysis'));
  assertScope(dup!, '76', s('constant.numeric.frame'), 'Dup ACK ');
  assertScope(dup!, 'RST', s('markup.deleted.analysis.flag'));
  assertScope(request!, 'Request', s('storage.type.sip'));
  assertScope(request!, 'REGISTER', s('keyword.other.sip.method'));
  assertScope(status!, '200', s('constant.numeric.sip.status'), 'Status: ');
  assertScope(status!, 'OK', s('string.unquoted.sip.reason-phrase'));
  assertScope(whoHas!, 'Cisco_01:02:03', s('constant.numeric.mac'));
  assertScope(whoHas!, 'Who has', s('keyword.other.arp'));
  assertScope(whoHas!, 'Tell', s('keyword.other.arp'));
  assertScope(isAt!, 'is at', s('keyword.other.arp'));
  assertScope(isAt!, '00:aa:bb:cc:dd:ee', s('constant.numeric.mac'), 'is at ');
  assertScope(ka!, 'SKINNY', s('support.type.protocol'));
  assertScope(ka!, 'KeepAliveReq', s('keyword.other.keepalive'));
  assertScope(kaAck!, 'KeepAliveAck', s('keyword.other.keepalive.ack'));
  assertScope(csv!, '85', s('constant.numeric.frame'));
  assertScope(csv!, 'TCP Previous segment not captured', s('markup.deleted.analysis'));
  assertScope(csv!, 'SYN', s('keyword.control.analysis.flag'));
});

// ---------------------------------------------------------------------------------------------------------------
// 4. Language configuration
// ---------------------------------------------------------------------------------------------------------------

interface LanguageConfiguration {
  brackets?: Array<[string, string]>;
  wordPattern?: string;
}

function loadLanguageConfiguration(g: GrammarInfo): LanguageConfiguration {
  const file = path.join(ROOT, 'syntaxes', `${g.language}.language-configuration.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as LanguageConfiguration;
}

/** The word VS Code would pick at `column` (same idea as getWordAtText: the wordPattern match containing it). */
function wordAt(pattern: RegExp, line: string, column: number): string | undefined {
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m[0].length === 0) throw new Error(`wordPattern matched an empty string at ${m.index}`);
    if (m.index <= column && column < m.index + m[0].length) return m[0];
  }
  return undefined;
}

for (const g of GRAMMARS) {
  test(`language configuration: ${g.language}`, () => {
    const cfg = loadLanguageConfiguration(g);
    assert.deepEqual(
      (cfg.brackets ?? []).filter(([o]) => o === '[' || o === '('),
      [
        ['[', ']'],
        ['(', ')'],
      ],
    );
    assert.equal(typeof cfg.wordPattern, 'string');
    const re = new RegExp(cfg.wordPattern!);
    assert.equal(re.test(''), false, 'wordPattern must not match the empty string');
    const cases: Array<[line: string, at: string, expected: string]> = [
      ['%[DeviceName=SEP001122334455][Reason=13]', '13', '13'],
      ['%[DeviceName=SEP001122334455][Reason=13]', 'Reason', 'Reason'],
      ['%[DeviceName=SEP001122334455][Reason=13]', '1122', 'SEP001122334455'],
      ['AlarmParameters: Reason:2, IPAddress:10.1.2.3,', '2,', '2'],
      ['AlarmParameters: Reason:2, IPAddress:10.1.2.3,', '.2.3', '10.1.2.3'],
      ['[IPV6Address=2001:db8:10::25]', 'db8', '2001:db8:10::25'],
      ['Src: 00:11:22:33:44:55 (x)', '33', '00:11:22:33:44:55'],
      ['|09:05:17.123 |AppInfo', '05', '09:05:17.123'],
      ['%UC_CALLMANAGER-3-EndPointUnregistered: x', 'Point', 'EndPointUnregistered'],
      ['%UC_CALLMANAGER-3-EndPointUnregistered: x', 'CALL', 'UC_CALLMANAGER'],
      ['41679: ucm-pub-01.lab.example: Feb', 'lab', 'ucm-pub-01.lab.example'],
      ['  412 118.204551 10.1.20.31 → 10.1.1.10 SIP', '8.20', '118.204551'],
    ];
    for (const [line, at, expected] of cases) {
      const col = line.indexOf(at);
      assert.ok(col >= 0, `test bug: ${at} not in ${line}`);
      assert.equal(wordAt(re, line, col), expected, `word at ${JSON.stringify(at)} in ${JSON.stringify(line)}`);
    }
  });
}

test('package.json, when it contributes these grammars, points at these files', (t) => {
  const pkgFile = path.join(ROOT, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as {
    contributes?: {
      grammars?: Array<{ language?: string; scopeName?: string; path?: string }>;
      languages?: Array<{ id?: string; configuration?: string }>;
    };
  };
  const grammars = pkg.contributes?.grammars ?? [];
  const languages = pkg.contributes?.languages ?? [];
  const ours = new Set(GRAMMARS.map((g) => g.scopeName));
  const contributed = grammars.filter((x) => x.scopeName && ours.has(x.scopeName));
  if (contributed.length === 0) {
    t.skip('package.json does not contribute the grammars yet');
    return;
  }
  for (const g of GRAMMARS) {
    const entry = contributed.find((x) => x.scopeName === g.scopeName);
    assert.ok(entry, `package.json contributes some grammars but not ${g.scopeName}`);
    assert.equal(path.resolve(ROOT, entry.path ?? ''), grammarPath(g), `${g.scopeName} path`);
    if (entry.language) {
      const lang = languages.find((x) => x.id === entry.language);
      assert.ok(lang, `package.json has no language ${entry.language}`);
      if (lang.configuration) {
        assert.equal(
          path.resolve(ROOT, lang.configuration),
          path.join(ROOT, 'syntaxes', `${g.language}.language-configuration.json`),
          `${entry.language} configuration`,
        );
      }
    }
  }
});
