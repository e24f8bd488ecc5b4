// Compact JWS for registry bearer tokens (Docker's token spec): ES256 (P-256) or RS256 with
// node:crypto, so no JWT library is needed.
import { KeyObject, createPublicKey, generateKeyPairSync, sign, verify, createPrivateKey } from 'node:crypto';

export type JwtAlg = 'ES256' | 'RS256';

export interface TokenKeys {
  alg: JwtAlg;
  /** Absent when the registry only verifies tokens issued elsewhere. */
  privateKey?: KeyObject;
  publicKey: KeyObject;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** Loads a PEM key (private: sign + verify; public key or certificate: verify only). */
export function loadTokenKeys(pem: string): TokenKeys {
  let privateKey: KeyObject | undefined;
  let publicKey: KeyObject;
  if (/PRIVATE KEY/.test(pem)) {
    privateKey = createPrivateKey(pem);
    publicKey = createPublicKey(privateKey);
  } else {
    publicKey = createPublicKey(pem);
  }
  const alg: JwtAlg = publicKey.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
  if (publicKey.asymmetricKeyType !== 'ec' && publicKey.asymmetricKeyType !== 'rsa') {
    throw new Error(`unsupported token key type ${publicKey.asymmetricKeyType}`);
  }
  return { alg, privateKey, publicKey };
}

export function generateTokenKeys(): TokenKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { alg: 'ES256', privateKey, publicKey };
}

export function signJwt(keys: TokenKeys, claims: Record<string, unknown>): string {
  if (!keys.privateKey) throw new Error('no private key to sign tokens with');
  const header = b64url(JSON.stringify({ alg: keys.alg, typ: 'JWT' }));
  const payload = b64url(JSON.stringify(claims));
  const input = `${header}.${payload}`;
  const sig = sign('sha256', Buffer.from(input), keys.alg === 'ES256' ? { key: keys.privateKey, dsaEncoding: 'ieee-p1363' } : keys.privateKey);
  return `${input}.${b64url(sig)}`;
}

/** Verifies signature and time claims; returns the claims or undefined if the token is not valid. */
export function verifyJwt(keys: TokenKeys, token: string, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, any> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg?: string };
    if (header.alg !== keys.alg) return undefined;
    const input = Buffer.from(`${parts[0]}.${parts[1]}`);
    const sig = Buffer.from(parts[2]!, 'base64url');
    const ok = verify('sha256', input, keys.alg === 'ES256' ? { key: keys.publicKey, dsaEncoding: 'ieee-p1363' } : keys.publicKey, sig);
    if (!ok) return undefined;
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, any>;
    const leeway = 60;
    if (typeof claims.exp === 'number' && claims.exp + leeway < nowSeconds) return undefined;
    if (typeof claims.nbf === 'number' && claims.nbf - leeway > nowSeconds) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}
