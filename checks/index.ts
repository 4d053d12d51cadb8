/** The public checks-as-code API: `import { defineMonitoring, http, ping } from 'vantage'`. */
export { defineMonitoring, http, ping, channels } from './define.ts'
export type {
  MonitoringInput,
  CheckInput,
  HttpProps,
  PingProps,
  ChannelInput,
  Duration,
} from './define.ts'
