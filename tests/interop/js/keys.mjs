// Shared by the verify scripts: a verification method and the compromised-key rule.
import {documentLoader} from './loader.mjs';

export async function verificationMethod(id) {
  const {document} = await documentLoader(id);
  return document;
}

// ISO 8601 date -> microseconds since the epoch (BigInt): compared at full precision.
export function micros(date) {
  const m = /^(.*?T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$/i.exec(date);
  if(!m) {
    throw new Error(`unreadable date ${date}`);
  }
  const seconds = Date.parse(m[1] + (m[3] || 'Z'));
  return BigInt(seconds) * 1000n + BigInt(((m[2] || '') + '000000').slice(0, 6));
}

// A key its controller declared compromised vouches only for what it signed before.
export function compromised(method, signedAtMicros) {
  if(!method.revoked) {
    return '';
  }
  if(signedAtMicros === null || signedAtMicros >= micros(method.revoked)) {
    return `key ${method.id} was compromised on ${method.revoked}, before this signature`;
  }
  return '';
}
