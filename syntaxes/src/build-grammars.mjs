#!/usr/bin/env node
// Source of the three TextMate grammars in syntaxes/*.tmLanguage.json.
//
// The grammars share many regular-expression fragments (addresses, timestamps, host names, key lists), so they are
// composed here and written out as JSON. Edit this file, not the JSON:
//
//   node syntaxes/src/build-grammars.mjs           write syntaxes/*.tmLanguage.json
//   node syntaxes/src/build-grammars.mjs --check   exit 1 if the JSON files are not what this script would write
//
// Regexes are Oniguruma syntax (what VS Code's TextMate engine uses). String.raw keeps backslashes literal.
// Every scope name ends with the grammar's suffix (.cucm-syslog, .cucm-trace, .capture-export) so themes and the
// extension's docs can target them; docs/grammars.md lists them.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const R = String.raw;
const SYNTAXES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------------------------
// Shared regex fragments
// ---------------------------------------------------------------------------------------------------------------
const MONTH = R`(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)`;
const OCTET = R`(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])`;
/** Dotted-quad IPv4, not part of a longer dotted number or word. */
const IPV4 = R`(?<![\w.])${OCTET}(?:\.${OCTET}){3}(?!\w|\.\d)`;
const HEX4 = R`[0-9A-Fa-f]{1,4}`;
/** IPv6: eight groups, or a compressed form containing '::' (optionally with a %zone). */
const IPV6 = R`(?<![\w.]|[0-9A-Fa-f]:|::)(?:(?:${HEX4}:){7}${HEX4}|(?:${HEX4}(?::${HEX4})*)?::(?:${HEX4}(?::${HEX4})*)?)(?:%[\w.]+)?(?![\w:])`;
/** Colon- or dash-separated MAC address. */
const MAC = R`(?<![\w:\-])[0-9A-Fa-f]{2}(?:([:\-])[0-9A-Fa-f]{2})(?:\1[0-9A-Fa-f]{2}){4}(?![\w:\-])`;
/** Wireshark's vendor-resolved MAC, e.g. Cisco_3a:4b:5c. */
const VENDOR_MAC = R`\b[A-Za-z][A-Za-z0-9]*_[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\b`;
const HOST = R`[A-Za-z0-9](?:[A-Za-z0-9_\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9_\-]*[A-Za-z0-9])?)*`;
const SYSLOG_FACILITY = R`(?:local[0-7]|kern|user|mail|daemon|auth|authpriv|syslog|lpr|news|uucp|cron|ftp|ntp|security|console|audit|alert|clock)`;
const SYSLOG_LEVEL_WORD = R`(?:emerg|emergency|panic|alert|crit|critical|err|error|warn|warning|notice|info|informational|debug)`;
const TIME_OF_DAY = R`\d{2}:\d{2}:\d{2}`;
const ISO_DATETIME = R`\d{4}-\d{2}-\d{2}[T ]${TIME_OF_DAY}(?:[.,]\d+)?(?:Z|[+\-]\d{2}:?\d{2})?`;
const TZ = R`(?:[A-Z]{2,5}(?:[+\-]\d{1,2}(?::?\d{2})?)?|[+\-]\d{2}:?\d{2})`;
/** CiscoLog timestamp: "Jul 02 2015 06:22:31.123 UTC" (milliseconds and zone optional). */
const CISCOLOG_TIMESTAMP = R`${MONTH}\s+\d{1,2}\s+\d{4}\s+${TIME_OF_DAY}(?:\.\d{1,9})?(?:\s+${TZ}\b)?`;
/** RFC 3164 receiver timestamp "Jul  2 06:22:31" (no year). */
const RFC3164_TIMESTAMP = R`${MONTH}\s+\d{1,2}\s+${TIME_OF_DAY}(?:\.\d{1,9})?`;
const SDL_SEQ = R`\d{7,8}\.\d{3}`;
const SDL_TIME = R`\d{2}:\d{2}:\d{2}\.\d{3}`;
const SIP_METHODS = R`(?:REGISTER|INVITE|ACK|BYE|CANCEL|OPTIONS|INFO|PRACK|UPDATE|REFER|SUBSCRIBE|NOTIFY|PUBLISH|MESSAGE)`;
/** Cisco device names: SEP/ATA + MAC (any case; CUCM lower-cases them in some SIP parameters). */
const DEVICE_NAME = R`\b(?i:SEP|ATA)[0-9A-Fa-f]{12}\b`;

/** Build a captures object: cap({1: 'a', 2: {name: 'b', patterns: [...]}}). Strings are scope names. */
function cap(map) {
  const out = {};
  for (const [k, v] of Object.entries(map)) out[k] = typeof v === 'string' ? { name: v } : v;
  return out;
}

/** Append the grammar suffix to every dot-separated scope in a (possibly space-separated) scope list. */
function suffixer(suffix) {
  return (scopes) =>
    scopes
      .split(/\s+/)
      .filter(Boolean)
      .map((s) => `${s}.${suffix}`)
      .join(' ');
}

/** Alarm names by meaning: unregistration, transient/failure, registration, anything else. */
function alarmNamePatterns(S) {
  return [
    { match: R`\b(?:EndPointUnregistered|DeviceUnregistered)\b`, name: S('keyword.control.alarm.unregistered') },
    {
      match: R`\b(?:EndPointTransientConnection|DeviceTransientConnection|ConnectionFailure)\b`,
      name: S('keyword.control.alarm.failure'),
    },
    { match: R`\b(?:EndPointRegistered|DeviceRegistered)\b`, name: S('keyword.other.alarm.registered') },
    { match: R`\b[A-Za-z_][A-Za-z0-9_]*\b`, name: S('entity.name.function.alarm') },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// source.cucm-syslog
// ---------------------------------------------------------------------------------------------------------------
function cucmSyslog() {
  const S = suffixer('cucm-syslog');

  // Key families whose values get a special scope (shared by [Key=Value] tags and SDL "Key:Value," parameters).
  const KEY_DEVICE = R`DeviceName|Device\s?Name|DevName`;
  const KEY_IP = R`[A-Za-z]*IP(?:[vV][46])?Addr(?:ess)?`;
  const KEY_REASON = R`Reason(?:\s?Code)?`;
  const KEY_DEVTYPE = R`DeviceType|Device\s?Type|DevType`;

  const VALUE = S('string.unquoted.value');
  const specialValues = {
    device: `${VALUE} ${S('entity.name.type.device')}`,
    reason: `${VALUE} ${S('constant.numeric.reason')}`,
    devtype: `${VALUE} ${S('constant.numeric.device-type')}`,
  };

  /** [Key=Value] tag rules, most specific first. Values run to ']' or (truncated line) to the end. */
  function tagRule(keyRe, valueCapture) {
    return {
      match: R`\s*(\[)\s*(${keyRe})\s*(=)([^\]]*)(\])?`,
      captures: cap({
        1: S('punctuation.definition.tag.begin'),
        2: S('variable.parameter.key'),
        3: S('keyword.operator.assignment'),
        4: valueCapture,
        5: S('punctuation.definition.tag.end'),
      }),
    };
  }
  /** SDL "Key:Value," parameter rules (AlarmParameters list); values run to ',' or the end of the line. */
  function sdlParamRule(keyRe, valueCapture) {
    return {
      match: R`\b(${keyRe})\s*(:)\s*([^,]*?)\s*(,|$)`,
      captures: cap({
        1: S('variable.parameter.key'),
        2: S('punctuation.separator.key-value'),
        3: valueCapture,
        4: S('punctuation.separator.parameter'),
      }),
    };
  }
  const ipValue = { name: VALUE, patterns: [{ include: '#ipv4' }, { include: '#ipv6' }] };
  const genericValue = { name: VALUE, patterns: [{ include: '#ipv4' }] };

  // Event-log form of CUCM 5.x/6.x: "Device name.:SEP... Device IP address.:10.1.1.1 Device type. [Optional]:8"
  const LEGACY_KEY = R`\b[A-Z][A-Za-z0-9]*(?:[ ][A-Za-z0-9]+){0,4}(?:\.?\s*\[Optional\]\.?|\.)`;
  const LEGACY_VALUE_END = R`(?=\s+${LEGACY_KEY}:|\s*$)`;
  function legacyRule(keyRe, valueCapture) {
    return {
      match: R`\b((?:${keyRe})(?:\.?\s*\[Optional\]\.?|\.))(:)(.*?)${LEGACY_VALUE_END}`,
      captures: cap({
        1: S('variable.parameter.key'),
        2: S('punctuation.separator.key-value'),
        3: valueCapture,
      }),
    };
  }

  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'CUCM Syslog',
    scopeName: 'source.cucm-syslog',
    comment:
      'CUCM alarms as syslog / CiscoLog lines, the CUCM 5.x/6.x event-log form, and SDL AlarmErr/AlarmWarn/AlarmInfo records. Generated by syntaxes/src/build-grammars.mjs - do not edit by hand.',
    patterns: [
      { include: '#sdl-alarm-record' },
      { include: '#sdl-record-header' },
      { include: '#receiver-prefix' },
      { include: '#facility-level-host' },
      { include: '#pri' },
      { include: '#ciscolog-sequence-host' },
      { include: '#ciscolog-timestamp' },
      { include: '#iso-timestamp-host' },
      { include: '#rfc3164-timestamp-host' },
      { include: '#alarm' },
    ],
    repository: {
      // ---- envelope ------------------------------------------------------------------------------------------
      pri: {
        comment: '<PRI> of syslog transport, e.g. <187>',
        match: R`^\s*(<)(\d{1,3})(>)`,
        captures: cap({
          1: S('punctuation.definition.priority.begin'),
          2: S('constant.numeric.priority'),
          3: S('punctuation.definition.priority.end'),
        }),
      },
      'receiver-prefix': {
        comment: 'Prefix added by some syslog receivers: "<n> <host> <facility> <severity digit> :"',
        match: R`^\s*(\d+)\s+(${HOST})\s+((?i:${SYSLOG_FACILITY}))\s+([0-7])\s*(:)`,
        captures: cap({
          1: S('constant.numeric.sequence'),
          2: S('entity.name.namespace.host'),
          3: S('support.constant.facility'),
          4: { name: S('constant.numeric.severity'), patterns: [{ include: '#severity-digit-class' }] },
          5: S('punctuation.separator'),
        }),
      },
      'facility-level-host': {
        comment: 'Receiver exports that print "Local7.Error<TAB>host" (facility.level then the sender).',
        match: R`\b((?i:${SYSLOG_FACILITY}))(\.)((?i:${SYSLOG_LEVEL_WORD}))\b(?:\s+(${HOST})(?=\s))?`,
        captures: cap({
          1: S('support.constant.facility'),
          2: S('punctuation.separator'),
          3: { name: S('support.constant.level'), patterns: [{ include: '#severity-word-class' }] },
          4: S('entity.name.namespace.host'),
        }),
      },
      'ciscolog-sequence-host': {
        comment: 'CiscoLog "<SEQNUM>: <HOST>:" in front of the CiscoLog timestamp (the colon after the host is optional).',
        match: R`(?<![\w.:])(?:(\d+)(:)\s+)?(${HOST})\s*(:)?(?=\s+\*?${MONTH}\s+\d{1,2}\s+\d{4}\s)`,
        captures: cap({
          1: S('constant.numeric.sequence'),
          2: S('punctuation.separator'),
          3: S('entity.name.namespace.host'),
          4: S('punctuation.separator'),
        }),
      },
      'ciscolog-timestamp': {
        comment: 'CiscoLog timestamp with optional accuracy star: *Jul 02 2015 06:22:31.123 UTC',
        match: R`(\*)?(?<![\w])(${CISCOLOG_TIMESTAMP})`,
        captures: cap({ 1: S('keyword.operator.accuracy'), 2: S('constant.numeric.date') }),
      },
      'iso-timestamp-host': {
        comment: 'ISO 8601 / RFC 5424 receiver timestamp, optionally followed by the sending host.',
        match: R`(?<![\w\-])(${ISO_DATETIME})(?:\s+(?!\d+:)(?!(?i:${SYSLOG_FACILITY})\.)(${HOST})(?=\s))?`,
        captures: cap({ 1: S('constant.numeric.date'), 2: S('entity.name.namespace.host') }),
      },
      'rfc3164-timestamp-host': {
        comment: 'RFC 3164 receiver timestamp "Jul  2 06:22:31", optionally followed by the sending host.',
        match: R`\b(${RFC3164_TIMESTAMP})(?!\d)(?:\s+(?!\d+:)(?!(?i:${SYSLOG_FACILITY})\.)(${HOST})(?=\s))?`,
        captures: cap({ 1: S('constant.numeric.date'), 2: S('entity.name.namespace.host') }),
      },

      // ---- %APP-SEV-NAME: alarm ------------------------------------------------------------------------------
      alarm: {
        comment: '%UC_CALLMANAGER-3-EndPointUnregistered: ... and %CCM_CALLMANAGER-CALLMANAGER-3-DeviceUnregistered: ...',
        begin: R`(%)((?:UC|CCM)_[A-Za-z0-9_]+(?:-[A-Za-z][A-Za-z0-9_]*)?)(-)([0-7])(-)([A-Za-z][A-Za-z0-9_]*)(?:(:)|$)`,
        beginCaptures: cap({
          1: S('punctuation.definition.alarm'),
          2: S('entity.name.namespace.facility'),
          3: S('punctuation.separator'),
          4: { name: S('constant.numeric.severity'), patterns: [{ include: '#severity-digit-class' }] },
          5: S('punctuation.separator'),
          6: { patterns: [{ include: '#alarm-name' }] },
          7: S('punctuation.separator'),
        }),
        end: '$',
        name: S('meta.alarm'),
        patterns: [{ include: '#alarm-tags' }, { include: '#legacy-parameters' }, { include: '#alarm-message' }],
      },
      'alarm-tags': {
        comment: '%[Key=Value][Key=Value]...: - the CiscoLog TAGS block (values may be empty, the line may be cut).',
        begin: R`\G\s*(%)(?=\[)`,
        beginCaptures: cap({ 1: S('punctuation.definition.tags') }),
        end: R`\s*(:)|$`,
        endCaptures: cap({ 1: S('punctuation.separator.message') }),
        name: S('meta.tags'),
        patterns: [
          tagRule(KEY_IP, ipValue),
          tagRule(KEY_DEVICE, specialValues.device),
          tagRule(KEY_REASON, specialValues.reason),
          tagRule(KEY_DEVTYPE, specialValues.devtype),
          tagRule(R`[^\]=\[]+?`, genericValue),
          {
            comment: 'cut inside the key: "[Reas"',
            match: R`\s*(\[)([^\]=\[]*)$`,
            captures: cap({ 1: S('punctuation.definition.tag.begin'), 2: S('variable.parameter.key') }),
          },
        ],
      },
      'legacy-parameters': {
        patterns: [
          legacyRule(R`Device IP address|IP address|Device IP|IP Address`, ipValue),
          legacyRule(R`Device name|Device Name`, specialValues.device),
          legacyRule(R`Reason Code|Reason code|Reason`, specialValues.reason),
          legacyRule(R`Device type|Device Type`, specialValues.devtype),
          {
            match: R`(${LEGACY_KEY})(:)(.*?)${LEGACY_VALUE_END}`,
            captures: cap({
              1: S('variable.parameter.key'),
              2: S('punctuation.separator.key-value'),
              3: genericValue,
            }),
          },
        ],
      },
      'alarm-message': {
        comment: 'Free text after the tags (or before the first legacy "Key.:" parameter).',
        match: R`(?!%\[)\S(?:.*?\S)?(?=\s+${LEGACY_KEY}:|\s*$)`,
        name: S('string.unquoted.message'),
      },
      'alarm-name': { patterns: alarmNamePatterns(S) },
      'severity-digit-class': {
        comment: 'Extra scope by syslog severity value so Dark+/Light+ colour it (token.*-token are styled there).',
        patterns: [
          { match: '[0-3]', name: S('markup.error token.error-token') },
          { match: '4', name: S('markup.warning token.warn-token') },
          { match: '[56]', name: S('markup.info token.info-token') },
          { match: '7', name: S('markup.info token.debug-token') },
        ],
      },
      'severity-word-class': {
        patterns: [
          { match: R`(?i)\b(?:emerg|emergency|panic|alert|crit|critical|err|error)\b`, name: S('markup.error token.error-token') },
          { match: R`(?i)\b(?:warn|warning)\b`, name: S('markup.warning token.warn-token') },
          { match: R`(?i)\b(?:notice|info|informational)\b`, name: S('markup.info token.info-token') },
          { match: R`(?i)\bdebug\b`, name: S('markup.info token.debug-token') },
        ],
      },
      'alarm-record-type-class': {
        patterns: [
          { match: R`\bAlarm(?:Err|Error|Crit|Critical|Alert|Emerg|Emergency)\b`, name: S('markup.error token.error-token') },
          { match: R`\bAlarmWarn(?:ing)?\b`, name: S('markup.warning token.warn-token') },
          { match: R`\bAlarm(?:Notice|Info|Informational)\b`, name: S('markup.info token.info-token') },
          { match: R`\bAlarmDebug\b`, name: S('markup.info token.debug-token') },
        ],
      },

      // ---- SDL trace records -------------------------------------------------------------------------------
      'sdl-alarm-record': {
        comment: '08080021.046 |16:31:15.938 |AlarmErr |AlarmClass: ..., AlarmName: ..., AlarmParameters: Key:Value, ...,',
        begin: R`^\s*(${SDL_SEQ})?\s*(\|)\s*(${SDL_TIME})\s*(\|)\s*(Alarm[A-Za-z]*)\s*(\|)`,
        beginCaptures: cap({
          1: S('comment.line.header'),
          2: S('punctuation.separator.column'),
          3: S('constant.numeric.date'),
          4: S('punctuation.separator.column'),
          5: { name: S('keyword.other.record-type'), patterns: [{ include: '#alarm-record-type-class' }] },
          6: S('punctuation.separator.column'),
        }),
        end: '$',
        name: S('meta.alarm.sdl'),
        patterns: [
          {
            match: R`\b(AlarmName)\s*(:)\s*([^,]*?)\s*(,|$)`,
            captures: cap({
              1: S('variable.parameter.key'),
              2: S('punctuation.separator.key-value'),
              3: { patterns: [{ include: '#alarm-name' }] },
              4: S('punctuation.separator.parameter'),
            }),
          },
          {
            match: R`\b(AlarmSeverity)\s*(:)\s*([^,]*?)\s*(,|$)`,
            captures: cap({
              1: S('variable.parameter.key'),
              2: S('punctuation.separator.key-value'),
              3: { name: VALUE, patterns: [{ include: '#severity-word-class' }] },
              4: S('punctuation.separator.parameter'),
            }),
          },
          {
            match: R`\b(AlarmDescription)\s*(:)\s*(.*?)\s*(,)?(?=\s*AlarmParameters\b|\s*$)`,
            captures: cap({
              1: S('variable.parameter.key'),
              2: S('punctuation.separator.key-value'),
              3: S('string.unquoted.message'),
              4: S('punctuation.separator.parameter'),
            }),
          },
          {
            begin: R`\b(AlarmParameters)\s*(:)`,
            beginCaptures: cap({ 1: S('variable.parameter.key'), 2: S('punctuation.separator.key-value') }),
            end: '$',
            name: S('meta.parameters'),
            patterns: [
              sdlParamRule(KEY_IP, ipValue),
              sdlParamRule(KEY_DEVICE, specialValues.device),
              sdlParamRule(KEY_REASON, specialValues.reason),
              sdlParamRule(KEY_DEVTYPE, specialValues.devtype),
              sdlParamRule(R`[A-Za-z][A-Za-z0-9_]*`, genericValue),
            ],
          },
          sdlParamRule(R`[A-Za-z][A-Za-z0-9_]*`, VALUE),
        ],
      },
      'sdl-record-header': {
        comment: 'Any other SDL record: only the sequence number and time are scoped here.',
        match: R`^\s*(${SDL_SEQ})?\s*(\|)\s*(${SDL_TIME})\s*(\|)`,
        captures: cap({
          1: S('comment.line.header'),
          2: S('punctuation.separator.column'),
          3: S('constant.numeric.date'),
          4: S('punctuation.separator.column'),
        }),
      },

      // ---- values --------------------------------------------------------------------------------------------
      ipv4: { match: IPV4, name: S('constant.numeric.ip') },
      ipv6: { match: IPV6, name: S('constant.numeric.ip') },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// source.cucm-trace
// ---------------------------------------------------------------------------------------------------------------
function cucmTrace() {
  const S = suffixer('cucm-trace');
  const recordType = {
    patterns: [
      { match: R`\bAlarm[A-Za-z]*\b`, name: S('keyword.control.alarm') },
      { match: R`[A-Za-z][A-Za-z0-9\-]*`, name: S('keyword.other.record-type') },
    ],
  };
  const headerCaptures = {
    1: S('comment.line.header'),
    2: S('punctuation.separator.column'),
    3: S('constant.numeric.date'),
    4: S('punctuation.separator.column'),
    5: recordType,
    6: S('punctuation.separator.column'),
  };
  const SDL_HEADER = R`^(${SDL_SEQ})?\s*(\|)\s*(${SDL_TIME})\s*(\|)\s*`;

  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'CUCM Trace',
    scopeName: 'source.cucm-trace',
    comment:
      'CUCM SDL traces (record headers, SIP messages as traced) and legacy SDI traces. Generated by syntaxes/src/build-grammars.mjs - do not edit by hand.',
    patterns: [
      { include: '#sdl-signal-record' },
      { include: '#sdl-record' },
      { include: '#sip-marker' },
      { include: '#sip-request-line' },
      { include: '#sip-status-line' },
      { include: '#sip-header' },
      { include: '#sdi-line' },
      { include: '#inline' },
    ],
    repository: {
      'sdl-signal-record': {
        comment: 'SdlSig / SdlSig-I records: the column after the type is the signal name.',
        begin: R`${SDL_HEADER}(SdlSig(?:-[A-Z])?)\s*(\|)\s*(?:([A-Za-z][A-Za-z0-9_]*)\s*(\|))?`,
        beginCaptures: cap({
          ...headerCaptures,
          7: S('entity.name.function.signal'),
          8: S('punctuation.separator.column'),
        }),
        end: '$',
        name: S('meta.record.sdl'),
        patterns: [{ match: R`\|`, name: S('punctuation.separator.column') }, { include: '#inline' }],
      },
      'sdl-record': {
        comment: '03797036.011 |20:21:08.058 |AppInfo  |text',
        begin: R`${SDL_HEADER}([A-Za-z][A-Za-z0-9\-]*)\s*(\|)`,
        beginCaptures: cap(headerCaptures),
        end: '$',
        name: S('meta.record.sdl'),
        patterns: [{ include: '#alarm-fields' }, { include: '#inline' }],
      },
      'alarm-fields': {
        comment: 'Inside SDL Alarm* records: the alarm name (classified like in source.cucm-syslog) and the reason code.',
        patterns: [
          {
            match: R`\b(AlarmName)\s*(:)\s*([A-Za-z_][A-Za-z0-9_]*)`,
            captures: cap({
              1: S('variable.parameter.key'),
              2: S('punctuation.separator.key-value'),
              3: { patterns: alarmNamePatterns(S) },
            }),
          },
          {
            match: R`\b(Reason(?:\s?[Cc]ode)?)\s*([:=])\s*(\d+)`,
            captures: cap({
              1: S('variable.parameter.key'),
              2: S('punctuation.separator.key-value'),
              3: S('constant.numeric.reason'),
            }),
          },
        ],
      },
      'sip-marker': {
        comment: '[286938,NET] / [12,INT] before a traced SIP message',
        match: R`^\s*(\[)(\d+)(,)(NET|INT)(\])\s*$`,
        captures: cap({
          1: S('punctuation.definition.marker.begin'),
          2: S('constant.numeric.sip.counter'),
          3: S('punctuation.separator'),
          4: S('storage.modifier.sip.stage'),
          5: S('punctuation.definition.marker.end'),
        }),
      },
      'sip-request-line': {
        match: R`^\s*(${SIP_METHODS}|[A-Z][A-Z\-]+)\s+(\S+)\s+(SIP/2\.0)\s*$`,
        captures: cap({
          1: S('keyword.other.sip.method'),
          2: { name: S('string.unquoted.sip.uri'), patterns: [{ include: '#device' }, { include: '#ipv4' }] },
          3: S('constant.other.sip.version'),
        }),
      },
      'sip-status-line': {
        match: R`^\s*(SIP/2\.0)\s+([1-6][0-9]{2})(?:\s+(.*?))?\s*$`,
        captures: cap({
          1: S('constant.other.sip.version'),
          2: S('constant.numeric.sip.status'),
          3: S('string.unquoted.sip.reason-phrase'),
        }),
      },
      'sip-header': {
        patterns: [
          {
            match: R`^\s*(Expires|Min-Expires)[ \t]*(:)[ \t]*(\d+)`,
            captures: cap({
              1: S('variable.other.sip.header'),
              2: S('punctuation.separator.key-value'),
              3: S('constant.numeric.sip.expires'),
            }),
          },
          {
            begin: R`^\s*([A-Za-z][A-Za-z0-9!%*_.+\x60'~\-]*)[ \t]*(:)`,
            beginCaptures: cap({ 1: S('variable.other.sip.header'), 2: S('punctuation.separator.key-value') }),
            end: '$',
            name: S('meta.sip.header'),
            patterns: [
              { match: R`\b${SIP_METHODS}\b`, name: S('keyword.other.sip.method') },
              {
                match: R`(;)(expires)(=)(\d+)`,
                captures: cap({
                  1: S('punctuation.separator'),
                  2: S('variable.parameter.key'),
                  3: S('keyword.operator.assignment'),
                  4: S('constant.numeric.sip.expires'),
                }),
              },
              { include: '#keepalive' },
              { include: '#device' },
              { include: '#ipv4' },
            ],
          },
        ],
      },
      'sdi-line': {
        comment: 'Legacy SDI: 16:03:06.640 CCM|StationInit - InboundStim - KeepAliveMessage ...',
        begin: R`^(${SDL_TIME})\s+([A-Za-z]+)(\|)\s*(?:([A-Za-z][A-Za-z0-9 ]*?)\s+(-)(?=\s))?`,
        beginCaptures: cap({
          1: S('constant.numeric.date'),
          2: S('keyword.other.record-type'),
          3: S('punctuation.separator.column'),
          4: S('entity.name.function.component'),
          5: S('punctuation.separator'),
        }),
        end: '$',
        name: S('meta.record.sdi'),
        patterns: [{ include: '#inline' }],
      },
      inline: {
        patterns: [
          { include: '#keepalive' },
          { include: '#device' },
          { include: '#ipv4' },
          { include: '#process-id' },
          { include: '#direction' },
          { include: '#key-value' },
        ],
      },
      keepalive: {
        patterns: [
          { match: R`\b\w*(?i:keep-?alive-?ack)\w*\b`, name: S('keyword.other.keepalive.ack') },
          { match: R`\b(?:\w+-)?\w*?(?i:keep-?alive)\w*\b`, name: S('keyword.other.keepalive') },
        ],
      },
      device: { match: DEVICE_NAME, name: S('entity.name.type.device') },
      ipv4: { match: IPV4, name: S('constant.numeric.ip') },
      'process-id': {
        comment: 'SDL process id Name(node,app,type,instance), e.g. SIPStationD(1,100,76,12)',
        match: R`\b([A-Za-z][A-Za-z0-9]*)(\()(\d+,\d+,\d+,\d+)(\))`,
        captures: cap({
          1: S('support.class.process'),
          2: S('punctuation.definition.process.begin'),
          3: S('constant.numeric.process-id'),
          4: S('punctuation.definition.process.end'),
        }),
      },
      direction: {
        match: R`\b(Incoming|Outgoing)\b(?=\s+SIP\b)`,
        name: S('keyword.other.direction'),
      },
      'key-value': {
        match: R`\b([A-Za-z_][A-Za-z0-9_.]*)\s?(=)`,
        captures: cap({ 1: S('variable.parameter.key'), 2: S('keyword.operator.assignment') }),
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// source.capture-export
// ---------------------------------------------------------------------------------------------------------------
function captureExport() {
  const S = suffixer('capture-export');
  const TIME = R`(?:\d{4}-\d{2}-\d{2}[ T]${TIME_OF_DAY}(?:\.\d+)?|${TIME_OF_DAY}(?:\.\d+)?|\d+\.\d+)`;
  const PROTO = R`[A-Za-z][A-Za-z0-9._+\-]*(?:/[A-Za-z0-9._+\-]+)*`;
  const SCCP_PROTO = R`(?:SKINNY|SCCP)(?:/[A-Za-z0-9]+)?`;
  const ARROW = R`(?:→|->|>)`;
  const address = { patterns: [{ include: '#address' }, { match: R`\S+`, name: S('entity.name.namespace.host') }] };
  const summaryCaptures = {
    1: S('constant.numeric.frame'),
    2: S('constant.numeric.time'),
    3: address,
    4: S('keyword.operator.arrow'),
    5: address,
    6: S('support.type.protocol'),
    7: S('constant.numeric.length'),
  };
  const SUMMARY = (proto) =>
    R`^\s*(\d+)\s+(${TIME})\s+(\S+)\s+(?:(${ARROW})\s+)?(\S+)\s+(${proto})\s+(\d+)(?=\s|$)`;
  const csvField = (inner) => R`(")(${inner})(")`;
  const q = S('punctuation.definition.string');
  const comma = S('punctuation.separator.comma');

  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'Capture Export',
    scopeName: 'source.capture-export',
    comment:
      'Wireshark "Export Packet Dissections" (plain text, CSV), tshark text, -T tabs and -T fields output. Generated by syntaxes/src/build-grammars.mjs - do not edit by hand.',
    patterns: [
      { include: '#column-header' },
      { include: '#fields-header' },
      { include: '#summary-csv' },
      { include: '#summary-sccp' },
      { include: '#summary' },
      { include: '#summary-generic' },
      { include: '#layer-line' },
      { include: '#info' },
    ],
    repository: {
      'column-header': {
        comment: 'No.  Time  Source  Destination  Protocol Length Info - plain, tab separated or CSV',
        begin: R`^(?=\s*"?No\."?(?:\s|,|$))`,
        end: '$',
        name: S('meta.header'),
        patterns: [
          { match: '"', name: q },
          { match: ',', name: comma },
          { match: R`[^\s",]+`, name: S('markup.heading.column') },
        ],
      },
      'fields-header': {
        comment: 'tshark -T fields -E header=y: frame.number<TAB>ip.src ...',
        begin: R`^(?=(?:_ws|frame|eth|ip|ipv6|tcp|udp|sip|skinny|arp)\.[A-Za-z0-9_.\-]+(?:[\t,; ]|$))`,
        end: '$',
        name: S('meta.header'),
        patterns: [
          { match: '"', name: q },
          { match: R`[,;]`, name: comma },
          { match: R`[A-Za-z_][A-Za-z0-9_.\-]*`, name: S('markup.heading.column') },
        ],
      },
      'summary-csv': {
        comment: '"1","0.000000","10.1.2.3","10.1.2.4","TCP","60","...Info..." (default column order)',
        begin: [
          R`^`,
          csvField(R`\d+`),
          '(,)',
          csvField(TIME),
          '(,)',
          csvField(R`[^"\s]*`),
          '(,)',
          csvField(R`[^"\s]*`),
          '(,)',
          csvField(R`[^"\s]*`),
          '(,)',
          csvField(R`\d*`),
        ].join(''),
        beginCaptures: cap({
          1: q, 2: S('constant.numeric.frame'), 3: q, 4: comma,
          5: q, 6: S('constant.numeric.time'), 7: q, 8: comma,
          9: q, 10: address, 11: q, 12: comma,
          13: q, 14: address, 15: q, 16: comma,
          17: q, 18: S('support.type.protocol'), 19: q, 20: comma,
          21: q, 22: S('constant.numeric.length'), 23: q,
        }),
        end: '$',
        name: S('meta.packet.summary'),
        patterns: [{ match: '"', name: q }, { match: R`(?<="),(?=")`, name: comma }, { include: '#info' }],
      },
      'summary-sccp': {
        comment: 'Summary line of a SKINNY packet: the Info words are SCCP message names.',
        begin: SUMMARY(SCCP_PROTO),
        beginCaptures: cap(summaryCaptures),
        end: '$',
        name: S('meta.packet.summary'),
        patterns: [{ include: '#sccp-any-message' }, { include: '#info' }],
      },
      summary: {
        comment: 'Wireshark/tshark summary line: No. Time Source [→] Destination Protocol Length Info',
        begin: SUMMARY(PROTO),
        beginCaptures: cap(summaryCaptures),
        end: '$',
        name: S('meta.packet.summary'),
        patterns: [{ include: '#info' }],
      },
      'summary-generic': {
        comment: 'Lines starting with frame number and time but other columns (custom columns, -T fields).',
        begin: R`^\s*(?:(")(\d+)(")|(\d+))(?:\s+|,|\t)(?:(")(${TIME})(")|(${TIME}))(?=[\s,]|$)`,
        beginCaptures: cap({
          1: q, 2: S('constant.numeric.frame'), 3: q,
          4: S('constant.numeric.frame'),
          5: q, 6: S('constant.numeric.time'), 7: q,
          8: S('constant.numeric.time'),
        }),
        end: '$',
        name: S('meta.packet.summary'),
        patterns: [
          {
            match: R`(?<=\s)(${SCCP_PROTO}|SIP(?:/SDP)?|TCP|UDP|ARP|TLSv1(?:\.[0-3])?|SSL|ICMPv6|ICMP|DNS|RTP|RTCP)(?=\s+\d+\s)`,
            name: S('support.type.protocol'),
          },
          { match: R`(?<=[\s",])${SIP_METHODS}(?=[\s",]|$)`, name: S('keyword.other.sip.method') },
          { match: '"', name: q },
          { include: '#info' },
        ],
      },
      'layer-line': {
        comment: 'Detail tree: one line per protocol layer.',
        match: R`^\s*(Frame)\s+(\d+)(:)|^\s*(Ethernet II|Linux cooked capture(?: v[12])?|802\.1Q Virtual LAN|Internet Protocol Version [46]|Transmission Control Protocol|User Datagram Protocol|Session Initiation Protocol|Skinny Client Control Protocol|Address Resolution Protocol|Cisco Discovery Protocol|Internet Control Message Protocol(?:v6)?)\b`,
        captures: cap({
          1: S('entity.name.section.layer'),
          2: S('constant.numeric.frame'),
          3: S('punctuation.separator'),
          4: S('entity.name.section.layer'),
        }),
      },

      // ---- Info column -------------------------------------------------------------------------------------
      info: {
        patterns: [
          { include: '#analysis' },
          { include: '#tcp-flags' },
          { include: '#sip' },
          { include: '#arp' },
          { include: '#sccp-known-message' },
          { include: '#ports' },
          { include: '#date-time' },
          { include: '#address' },
          { include: '#key-value' },
        ],
      },
      analysis: {
        patterns: [
          {
            comment: 'Loss / retransmission labels: the evidence a registration analysis looks for.',
            match: R`(\[)(TCP Dup ACK (\d+)(#)(\d+))(\])`,
            captures: cap({
              1: S('punctuation.definition.analysis.begin'),
              2: S('markup.deleted.analysis'),
              3: S('constant.numeric.frame'),
              4: S('punctuation.separator'),
              5: S('constant.numeric.count'),
              6: S('punctuation.definition.analysis.end'),
            }),
          },
          {
            match: R`(\[)(TCP (?:Retransmission|Fast Retransmission|Spurious Retransmission|Previous segment not captured|Previous segment lost|ACKed unseen segment|ACKed lost segment|Out-Of-Order|Lost Segment|ZeroWindow|Window Full)|Malformed Packet[^\]]*|This frame is a \(suspected\)[^\]]*)(\])`,
            captures: cap({
              1: S('punctuation.definition.analysis.begin'),
              2: S('markup.deleted.analysis'),
              3: S('punctuation.definition.analysis.end'),
            }),
          },
          {
            match: R`(\[)(Expert Info \((?:Error|Warning)/[^\]]*|Expert Info \([^)]*\): This frame is a \(suspected\)[^\]]*)(\])`,
            captures: cap({
              1: S('punctuation.definition.analysis.begin'),
              2: S('markup.deleted.analysis'),
              3: S('punctuation.definition.analysis.end'),
            }),
          },
          {
            comment: 'Other analysis labels (window update, keep-alive, reassembly, port reuse, expert notes).',
            match: R`(\[)(TCP [^\]]+|Expert Info [^\]]*|Packet size limited during capture[^\]]*)(\])`,
            captures: cap({
              1: S('punctuation.definition.analysis.begin'),
              2: S('keyword.control.analysis'),
              3: S('punctuation.definition.analysis.end'),
            }),
          },
        ],
      },
      'tcp-flags': {
        match: R`(\[)((?:SYN|ACK|RST|FIN|PSH|URG|ECE|CWR|NS|AE|Reserved)(?:,\s*(?:SYN|ACK|RST|FIN|PSH|URG|ECE|CWR|NS|AE|Reserved))*)(\])`,
        captures: cap({
          1: S('punctuation.definition.flags.begin'),
          2: {
            patterns: [
              { match: R`\bRST\b`, name: S('markup.deleted.analysis.flag') },
              { match: R`\b(?:SYN|FIN)\b`, name: S('keyword.control.analysis.flag') },
              { match: R`\b[A-Za-z]+\b`, name: S('constant.language.flag') },
              { match: ',', name: S('punctuation.separator') },
            ],
          },
          3: S('punctuation.definition.flags.end'),
        }),
      },
      sip: {
        patterns: [
          {
            match: R`\b(Request)(:)\s+([A-Z][A-Z\-]*)\s+(sips?:[^\s|"]+|\S+)`,
            captures: cap({
              1: S('storage.type.sip'),
              2: S('punctuation.separator'),
              3: S('keyword.other.sip.method'),
              4: { name: S('string.unquoted.sip.uri'), patterns: [{ include: '#address' }] },
            }),
          },
          {
            match: R`\b(Status)(:)\s+([1-6][0-9]{2})(?:\s+([^(|"\[]*?))?(?=\s*(?:\(|\||"|\[|$))`,
            captures: cap({
              1: S('storage.type.sip'),
              2: S('punctuation.separator'),
              3: S('constant.numeric.sip.status'),
              4: S('string.unquoted.sip.reason-phrase'),
            }),
          },
          {
            match: R`(\()(${SIP_METHODS})(\))`,
            captures: cap({
              1: S('punctuation.definition.method.begin'),
              2: S('keyword.other.sip.method'),
              3: S('punctuation.definition.method.end'),
            }),
          },
          {
            match: R`\bsips?:[^\s|",;>]+`,
            name: S('string.unquoted.sip.uri'),
          },
        ],
      },
      arp: {
        patterns: [
          {
            match: R`\b(Who has)\s+(\S+?)(\?)\s+(Tell)\s+(\S+)`,
            captures: cap({
              1: S('keyword.other.arp'),
              2: { patterns: [{ include: '#address' }] },
              3: S('punctuation.separator'),
              4: S('keyword.other.arp'),
              5: { patterns: [{ include: '#address' }] },
            }),
          },
          {
            match: R`(\S+)\s+(is at)\s+(\S+)`,
            captures: cap({
              1: { patterns: [{ include: '#address' }] },
              2: S('keyword.other.arp'),
              3: { patterns: [{ include: '#address' }] },
            }),
          },
          {
            match: R`(\()(duplicate use of \S+ detected!)(\))`,
            captures: cap({
              1: S('punctuation.definition.analysis.begin'),
              2: { name: S('markup.deleted.analysis'), patterns: [{ include: '#address' }] },
              3: S('punctuation.definition.analysis.end'),
            }),
          },
          { match: R`\bGratuitous ARP\b`, name: S('keyword.other.arp') },
        ],
      },
      'sccp-known-message': {
        comment: 'Registration-related SCCP message names anywhere (e.g. in a -T fields Info column).',
        patterns: [
          { match: R`\bKeepAliveAck(?:Message)?\b`, name: S('keyword.other.keepalive.ack') },
          { match: R`\bKeepAlive(?:Req|Message)?\b`, name: S('keyword.other.keepalive') },
          {
            match: R`\b(?:Register(?:Req|Ack|Reject)|Unregister(?:Req|Ack)?|RegisterToken(?:Req|Ack|Reject))\b`,
            name: S('entity.name.function.sccp'),
          },
        ],
      },
      'sccp-any-message': {
        patterns: [
          { include: '#sccp-known-message' },
          { include: '#analysis' },
          { match: R`\b[A-Z][A-Za-z0-9]+\b`, name: S('entity.name.function.sccp') },
        ],
      },
      ports: {
        match: R`\b(\d+|[a-z][a-z0-9\-]*)\s+(${ARROW})\s+(\d+|[a-z][a-z0-9\-]*)\b`,
        captures: cap({
          1: S('constant.numeric.port'),
          2: S('keyword.operator.arrow'),
          3: S('constant.numeric.port'),
        }),
      },
      'date-time': {
        patterns: [
          { match: R`\b${MONTH}\s+\d{1,2},\s+\d{4}\s+${TIME_OF_DAY}(?:\.\d+)?(?:\s+[A-Z]{2,5}\b)?`, name: S('constant.numeric.time') },
          { match: R`(?<![\w\-])${ISO_DATETIME}`, name: S('constant.numeric.time') },
        ],
      },
      address: {
        patterns: [
          { match: IPV6, name: S('constant.numeric.ip') },
          { match: IPV4, name: S('constant.numeric.ip') },
          { match: MAC, name: S('constant.numeric.mac') },
          { match: VENDOR_MAC, name: S('constant.numeric.mac') },
          { match: R`\bBroadcast\b`, name: S('constant.numeric.mac') },
        ],
      },
      'key-value': {
        match: R`\b([A-Za-z_][A-Za-z0-9_]*)(=)(\d+)?`,
        captures: cap({
          1: S('variable.parameter.key'),
          2: S('keyword.operator.assignment'),
          3: S('constant.numeric.value'),
        }),
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
export const GRAMMARS = {
  'cucm-syslog.tmLanguage.json': cucmSyslog,
  'cucm-trace.tmLanguage.json': cucmTrace,
  'capture-export.tmLanguage.json': captureExport,
};

export function render(build) {
  return JSON.stringify(build(), null, 2) + '\n';
}

function main() {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, build] of Object.entries(GRAMMARS)) {
    const target = path.join(SYNTAXES_DIR, file);
    const text = render(build);
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : null;
    if (check) {
      if (current !== text) {
        stale++;
        console.error(`stale: syntaxes/${file} (run: node syntaxes/src/build-grammars.mjs)`);
      }
    } else if (current !== text) {
      fs.writeFileSync(target, text);
      console.log(`wrote syntaxes/${file}`);
    } else {
      console.log(`unchanged syntaxes/${file}`);
    }
  }
  if (stale) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
