/** The public checks-as-code API: `import { defineMonitoring, http, ping } from 'vantage'`. */
export { defineMonitoring, http, ping, tcp, dns, heartbeat, host, channels } from './define.ts'
export type {
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
} from './define.ts'
