/** The public checks-as-code API: `import { defineMonitoring, http, ping } from 'vantage-monitoring'`. */
export {
  defineMonitoring,
  http,
  ping,
  tcp,
  dns,
  heartbeat,
  host,
  channels,
  statusPage,
  slo,
} from './define.ts'
export type {
  SloProps,
  CheckSloInput,
  MonitoringInput,
  CheckInput,
  HttpProps,
  PingProps,
  TcpProps,
  DnsProps,
  HeartbeatProps,
  HostSelectorInput,
  HostReadOnlyProps,
  HostDiskProps,
  HostFileProps,
  HostProcessProps,
  HostSystemdProps,
  HostPortProps,
  HostCommandProps,
  ChannelInput,
  Duration,
  StatusPageInput,
} from './define.ts'
export { browser, type BrowserProps, type VitalBudget } from './specs/browser.ts'
export type {
  BrowserScript,
  BrowserScriptContext,
  Expect,
  LocatorAssertions,
  PageAssertions,
  Step,
} from './browser/script-api.ts'
