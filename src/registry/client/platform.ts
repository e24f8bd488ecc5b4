// Platform strings ("os/arch[/variant]") and picking one manifest out of an index / manifest list.
import type { Descriptor, Platform } from '../oci.js';

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

const NODE_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/** Normalises as containerd's platforms package does (aarch64 → arm64, arm64 → variant v8 …). */
export function normalizePlatform(p: PlatformSpec): PlatformSpec {
  let architecture = p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase();
  const os = p.os.toLowerCase();
  if (architecture === 'x86_64' || architecture === 'x86-64') architecture = 'amd64';
  if (architecture === 'aarch64') architecture = 'arm64';
  if (architecture === 'i386') architecture = '386';
  if (architecture === 'armhf') {
    architecture = 'arm';
    variant = 'v7';
  }
  if (architecture === 'armel') {
    architecture = 'arm';
    variant = 'v6';
  }
  if (architecture === 'arm64' && (variant === 'v8' || variant === '8')) variant = undefined;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  if (architecture === 'arm' && variant === undefined) variant = 'v7';
  if (architecture === 'arm' && /^\d$/.test(variant ?? '')) variant = `v${variant}`;
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function parsePlatform(s: string): PlatformSpec {
  const parts = s.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new Error(`invalid platform "${s}": want os/arch[/variant]`);
  }
  return normalizePlatform({ os: parts[0]!, architecture: parts[1]!, variant: parts[2] });
}

export function formatPlatform(p: PlatformSpec): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

export function defaultPlatform(): PlatformSpec {
  return normalizePlatform({ os: 'linux', architecture: NODE_ARCH[process.arch] ?? process.arch });
}

export function platformMatches(want: PlatformSpec, have: Platform | undefined): boolean {
  if (!have) return false;
  const w = normalizePlatform(want);
  const h = normalizePlatform({ os: have.os, architecture: have.architecture, variant: have.variant });
  if (w.os !== h.os || w.architecture !== h.architecture) return false;
  return w.variant === undefined || h.variant === undefined ? w.variant === h.variant || w.variant === undefined : w.variant === h.variant;
}

/** The first manifest of an index made for `want` (attestation manifests, platform unknown/unknown, never match). */
export function selectPlatformManifest(manifests: Descriptor[], want: PlatformSpec): Descriptor | undefined {
  return manifests.find((d) => platformMatches(want, d.platform));
}
