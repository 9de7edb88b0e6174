// Reason enumerations carried by CUCM registration alarms.
//
// Unregistration reasons (EndPointUnregistered / DeviceUnregistered `Reason`): numbering of CISCO-CCM-MIB
// CcmDevUnregCauseCode, checked against the CUCM 8.0(1) alarm catalog (codes 1, 6, 8-11, 16-18) and the CUCM 15
// System Error Messages (12, 13). 0 is "no error"; 27 is not defined. Texts here are our own summaries.
// Registration-failure reasons (EndPointTransientConnection / DeviceTransientConnection `Reason`): CISCO-CCM-MIB
// CcmDevRegFailCauseCode. That the transient-connection alarms use this enumeration is an assumption (the alarm
// catalog table was not available), so every entry is marked 'assumed'.

/** How sure we are of a code's meaning. */
export type Verification =
  | 'verified' // code, name and meaning seen in a Cisco alarm catalog
  | 'name-in-alarm-text' // the name appears in the alarm's catalog text; the number comes from the MIB
  | 'mib-only' // only in CISCO-CCM-MIB
  | 'assumed'; // enumeration assumed to apply to this alarm

/** What kind of event a reason describes; drives the diagnostic severity. */
export type ReasonCategory =
  | 'expected' // administrative or normal: resets, EM logins, apply config
  | 'network' // connectivity and keepalive loss
  | 'device' // the device misbehaved or changed address
  | 'configuration' // database or configuration problem
  | 'security' // certificates, TLS, authentication
  | 'unknown';

export interface ReasonCode {
  readonly code: number;
  readonly name: string;
  readonly meaning: string;
  readonly check: string;
  readonly category: ReasonCategory;
  readonly verification: Verification;
  readonly protocol?: 'SIP' | 'SCCP';
}

function table(rows: ReasonCode[]): ReadonlyMap<number, ReasonCode> {
  return new Map(rows.map((r) => [r.code, r]));
}

const NETWORK_CHECK =
  'Check the phone has power and link, the network path between phone and CUCM (loss, delay, switch port security, ' +
  'firewall or proxy ARP) and the CUCM node\'s CPU (RTMT "CPU Pegging" alert). Capture at the phone and at CUCM at ' +
  'the same time to see which keepalive was lost.';

export const UNREGISTER_REASONS = table([
  { code: 0, name: 'NoError', meaning: 'No cause given.', check: 'Look at the alarms and traces around it.', category: 'unknown', verification: 'mib-only' },
  { code: 1, name: 'Unknown', meaning: 'CUCM could not classify why the device unregistered.', check: 'If the device has not registered again within about 5 minutes, check its power and its network path to CUCM.', category: 'unknown', verification: 'verified' },
  { code: 2, name: 'NoEntryInDatabase', meaning: 'The device is not in the CUCM database.', check: 'Check the device is configured (Device > Phone) with this MAC/name.', category: 'configuration', verification: 'mib-only' },
  { code: 3, name: 'DatabaseConfigurationError', meaning: 'A database configuration problem for this device.', check: 'Check the device configuration and database replication.', category: 'configuration', verification: 'mib-only' },
  { code: 4, name: 'DeviceNameUnresolveable', meaning: 'The device name could not be resolved.', check: 'Check the device name and the phone\'s configuration file.', category: 'configuration', verification: 'mib-only' },
  { code: 5, name: 'MaxDevRegExceeded', meaning: 'The maximum number of registered devices was exceeded.', check: 'Check the node\'s device limits and the group balancing.', category: 'configuration', verification: 'mib-only' },
  { code: 6, name: 'ConnectivityError', meaning: 'Communication between the device and CUCM was interrupted: power loss, network outage or misconfiguration, delay, drops or corruption, or a very busy CUCM node.', check: NETWORK_CHECK, category: 'network', verification: 'verified' },
  { code: 7, name: 'InitializationError', meaning: 'An error while the device initialised.', check: 'Check the device\'s firmware load and configuration file.', category: 'device', verification: 'mib-only' },
  { code: 8, name: 'DeviceInitiatedReset', meaning: 'The device reset itself (power cycle or internal error).', check: 'Nothing if it registers again; if it repeats, look at the phone\'s own logs (Status Messages, console logs).', category: 'expected', verification: 'verified' },
  { code: 9, name: 'CallManagerReset', meaning: 'A reset from CUCM Administration, or by CUCM after an internal error.', check: 'Nothing; the device registers again by itself.', category: 'expected', verification: 'verified' },
  { code: 10, name: 'DeviceUnregistered', meaning: 'The device unregistered on purpose, for example because its IP address or port changed.', check: 'Nothing; it registers again by itself. If it repeats, check DHCP and NAT in front of the phone.', category: 'expected', verification: 'verified' },
  { code: 11, name: 'MalformedRegisterMsg', meaning: 'A REGISTER could not be processed because it was malformed (e.g. no Call-ID, no AoR in To).', check: 'Look at the REGISTER in traces or a capture.', category: 'device', verification: 'verified', protocol: 'SIP' },
  { code: 12, name: 'SCCPDeviceThrottling', meaning: 'The device sent more events than the "Max Events Allowed" service parameter permits (default 2000 in 5 s); CUCM closed its TCP connection.', check: 'Find out why the device is so chatty (stuck key, loop, misbehaving application); counter SkinnyDevicesThrottled.', category: 'device', verification: 'verified', protocol: 'SCCP' },
  { code: 13, name: 'KeepAliveTimeout', meaning: 'CUCM did not receive the device\'s keepalive in time (SCCP KeepAlive, or the SIP refresh REGISTER), so it unregistered the device.', check: NETWORK_CHECK, category: 'network', verification: 'verified' },
  { code: 14, name: 'ConfigurationMismatch', meaning: 'The configuration on the device does not match CUCM\'s.', check: 'Change the Description on the device page, Save, and reset the device.', category: 'configuration', verification: 'name-in-alarm-text' },
  { code: 15, name: 'CallManagerRestart', meaning: 'A restart started from CUCM.', check: 'Nothing.', category: 'expected', verification: 'name-in-alarm-text' },
  { code: 16, name: 'DuplicateRegistration', meaning: 'The device tried to register to two nodes at once; CUCM restarted it so that it homes to one node.', check: 'Nothing if rare; if it repeats or the device shows different IP addresses, check the address on the phone itself.', category: 'device', verification: 'verified' },
  { code: 17, name: 'CallManagerApplyConfig', meaning: 'An Apply Config from CUCM Administration.', check: 'Nothing; the device registers again by itself.', category: 'expected', verification: 'verified' },
  { code: 18, name: 'DeviceNoResponse', meaning: 'The device did not answer a reset or restart notification, so CUCM reset it.', check: 'Check the device is reachable and responsive.', category: 'device', verification: 'verified' },
  { code: 19, name: 'EMLoginLogout', meaning: 'Extension Mobility login or logout.', check: 'Nothing.', category: 'expected', verification: 'name-in-alarm-text' },
  { code: 20, name: 'EMCCLoginLogout', meaning: 'Extension Mobility Cross Cluster login or logout.', check: 'Nothing.', category: 'expected', verification: 'name-in-alarm-text' },
  { code: 21, name: 'EnergyWisePowerSavePlus', meaning: 'EnergyWise powered the phone down (Power Save Plus).', check: 'Nothing; the phone comes back at its configured power-on time.', category: 'expected', verification: 'mib-only' },
  { code: 22, name: 'CallManagerForcedRestart', meaning: 'A forced restart from CUCM.', check: 'Nothing if it was intended.', category: 'expected', verification: 'mib-only' },
  { code: 23, name: 'SourceIPAddrChanged', meaning: 'The device\'s source IP address changed.', check: 'Check DHCP leases, NAT and address conflicts.', category: 'device', verification: 'mib-only' },
  { code: 24, name: 'SourcePortChanged', meaning: 'The device\'s source port changed (new TCP connection or NAT rebinding).', check: 'Look for TCP resets or reconnects in a capture; check NAT/firewall idle timers.', category: 'network', verification: 'mib-only' },
  { code: 25, name: 'RegistrationSequenceError', meaning: 'Registration messages arrived out of the expected sequence.', check: 'Look at the registration exchange in traces.', category: 'device', verification: 'mib-only' },
  { code: 26, name: 'InvalidCapabilities', meaning: 'The device reported invalid capabilities.', check: 'Check the device load (firmware) against the CUCM version.', category: 'device', verification: 'mib-only' },
  { code: 28, name: 'FallbackInitiated', meaning: 'The device started fallback to a higher-priority node.', check: 'Nothing; confirm it registered on its primary.', category: 'expected', verification: 'mib-only' },
  { code: 29, name: 'DeviceSwitch', meaning: 'The registration moved to another device or instance.', check: 'Nothing if intended.', category: 'expected', verification: 'mib-only' },
]);

export const REGISTRATION_FAILURE_REASONS = table([
  { code: 0, name: 'NoError', meaning: 'No cause given.', check: 'Look at the alarms and traces around it.', category: 'unknown', verification: 'assumed' },
  { code: 1, name: 'Unknown', meaning: 'Unclassified registration failure.', check: 'Look at CUCM traces for the device.', category: 'unknown', verification: 'assumed' },
  { code: 2, name: 'NoEntryInDatabase', meaning: 'The device is not in the database (or auto-registration is off).', check: 'Add the device or enable auto-registration.', category: 'configuration', verification: 'assumed' },
  { code: 3, name: 'DatabaseConfigurationError', meaning: 'A database configuration problem.', check: 'Check the device configuration and database replication.', category: 'configuration', verification: 'assumed' },
  { code: 4, name: 'DeviceNameUnresolveable', meaning: 'The device name could not be resolved.', check: 'Check the device name.', category: 'configuration', verification: 'assumed' },
  { code: 5, name: 'MaxDevRegExceeded', meaning: 'Too many registered devices.', check: 'Check node limits.', category: 'configuration', verification: 'assumed' },
  { code: 6, name: 'ConnectivityError', meaning: 'The connection dropped before registration completed.', check: NETWORK_CHECK, category: 'network', verification: 'assumed' },
  { code: 7, name: 'InitializationError', meaning: 'Initialisation failed.', check: 'Check firmware and configuration file.', category: 'device', verification: 'assumed' },
  { code: 8, name: 'DeviceInitiatedReset', meaning: 'The device reset during registration.', check: 'Look at the phone\'s logs.', category: 'device', verification: 'assumed' },
  { code: 9, name: 'CallManagerReset', meaning: 'CUCM reset the device during registration.', check: 'Nothing if intended.', category: 'expected', verification: 'assumed' },
  { code: 10, name: 'AuthenticationError', meaning: 'Authentication failed (digest or certificate).', check: 'Check digest credentials / security profile.', category: 'security', verification: 'assumed' },
  { code: 11, name: 'InvalidX509NameInCertificate', meaning: 'The certificate name does not match the device.', check: 'Check the phone security profile and the certificate subject/SAN.', category: 'security', verification: 'assumed' },
  { code: 12, name: 'InvalidTLSCipher', meaning: 'No acceptable TLS cipher.', check: 'Check TLS cipher settings on both sides.', category: 'security', verification: 'assumed' },
  { code: 13, name: 'DirectoryNumberMismatch', meaning: 'The directory number does not match the configuration.', check: 'Check the line configuration.', category: 'configuration', verification: 'assumed' },
  { code: 14, name: 'MalformedRegisterMsg', meaning: 'Malformed REGISTER.', check: 'Inspect the REGISTER in traces.', category: 'device', verification: 'assumed', protocol: 'SIP' },
  { code: 15, name: 'ProtocolMismatch', meaning: 'The device registered with a protocol other than the one configured (SIP vs SCCP).', check: 'Check the device protocol and its firmware load.', category: 'configuration', verification: 'assumed' },
  { code: 16, name: 'DeviceNotActive', meaning: 'The device is not active (e.g. licence).', check: 'Check licensing and device state.', category: 'configuration', verification: 'assumed' },
  { code: 17, name: 'AuthenticatedDeviceAlreadyExists', meaning: 'An authenticated device with this name is already registered.', check: 'Look for a duplicate device.', category: 'security', verification: 'assumed' },
  { code: 18, name: 'ObsoleteProtocolVersion', meaning: 'The device uses an obsolete protocol version.', check: 'Upgrade the device firmware.', category: 'device', verification: 'assumed' },
  { code: 23, name: 'DatabaseTimeout', meaning: 'The database did not answer in time.', check: 'Check database health and CPU.', category: 'configuration', verification: 'assumed' },
  { code: 25, name: 'RegistrationSequenceError', meaning: 'Registration messages out of sequence.', check: 'Look at the registration exchange in traces.', category: 'device', verification: 'assumed' },
  { code: 26, name: 'InvalidCapabilities', meaning: 'Invalid capabilities.', check: 'Check firmware against the CUCM version.', category: 'device', verification: 'assumed' },
  { code: 27, name: 'CapabilityResponseTimeout', meaning: 'The device did not answer the capabilities request in time.', check: 'Check the network path and the device.', category: 'network', verification: 'assumed' },
  { code: 28, name: 'SecurityMismatch', meaning: 'Security settings differ between device and CUCM.', check: 'Check the phone security profile and the CTL/ITL.', category: 'security', verification: 'assumed' },
  { code: 29, name: 'AutoRegisterDBError', meaning: 'Auto-registration failed in the database.', check: 'Check auto-registration settings.', category: 'configuration', verification: 'assumed' },
  { code: 30, name: 'DBAccessError', meaning: 'Database access failed.', check: 'Check database health.', category: 'configuration', verification: 'assumed' },
  { code: 31, name: 'AutoRegisterDBConfigTimeout', meaning: 'Auto-registration database configuration timed out.', check: 'Check database health.', category: 'configuration', verification: 'assumed' },
  { code: 32, name: 'DeviceTypeMismatch', meaning: 'The device type does not match the configuration.', check: 'Check the device model configured for this name.', category: 'configuration', verification: 'assumed' },
  { code: 33, name: 'AddressingModeMismatch', meaning: 'IPv4/IPv6 addressing mode mismatch.', check: 'Check the device\'s IP addressing mode.', category: 'configuration', verification: 'assumed' },
]);

/** Human label of a verification level, for hovers. */
export function verificationText(v: Verification): string {
  switch (v) {
    case 'verified':
      return 'verified in the Cisco alarm catalog';
    case 'name-in-alarm-text':
      return 'name from the alarm catalog text, number from CISCO-CCM-MIB';
    case 'mib-only':
      return 'from CISCO-CCM-MIB only (not confirmed in the alarm catalog)';
    case 'assumed':
      return 'assumed: CISCO-CCM-MIB registration-failure enumeration';
  }
}
