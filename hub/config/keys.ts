/**
 * The hub's ed25519 signing key for config bundles. It is created on first start
 * in the data directory (private key mode 0600); probes are given the public key
 * (`hub-key.pub.pem`) so they accept bundles only from this hub.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { keyIdOf } from '../../checks/bundle.ts'

export interface HubKey {
  privateKey: KeyObject
  publicKey: KeyObject
  keyId: string
  publicKeyFile: string
}

export function loadOrCreateHubKey(dataDir: string): HubKey {
  const privateFile = join(dataDir, 'hub-key.pem')
  const publicKeyFile = join(dataDir, 'hub-key.pub.pem')
  let privateKey: KeyObject
  if (existsSync(privateFile)) {
    privateKey = createPrivateKey(readFileSync(privateFile))
  } else {
    privateKey = generateKeyPairSync('ed25519').privateKey
    writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  }
  const publicKey = createPublicKey(privateKey)
  writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }))
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), publicKeyFile }
}

/** Reads a public key for `vantage probe --hub-key FILE`. */
export function readPublicKey(file: string): KeyObject {
  return createPublicKey(readFileSync(file))
}
