// The default seccomp profile: Debian's containers-common ships Podman's copy of Docker's profile
// (/usr/share/containers/seccomp.json). Like moby's setupSeccomp, it is filtered here by the
// container's capabilities and the host architecture into an OCI linux.seccomp section.
import { readFileSync } from 'node:fs';
import { goArch } from '../../util/platform.js';

export const DEFAULT_SECCOMP_PATH = '/usr/share/containers/seccomp.json';

interface ProfileSyscall {
  name?: string;
  names?: string[];
  action: string;
  errnoRet?: number;
  args?: unknown[];
  includes?: { caps?: string[]; arches?: string[]; minKernel?: string };
  excludes?: { caps?: string[]; arches?: string[] };
}
interface Profile {
  defaultAction: string;
  defaultErrnoRet?: number;
  archMap?: Array<{ architecture: string; subArchitectures?: string[] }>;
  architectures?: string[];
  syscalls?: ProfileSyscall[];
}

const NATIVE_ARCH: Record<string, string> = { x64: 'SCMP_ARCH_X86_64', arm64: 'SCMP_ARCH_AARCH64', s390x: 'SCMP_ARCH_S390X', ppc64: 'SCMP_ARCH_PPC64LE' };
let cached: Profile | undefined;
export function loadProfile(path = DEFAULT_SECCOMP_PATH): Profile {
  if (path === DEFAULT_SECCOMP_PATH && cached) return cached;
  const p = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  if (path === DEFAULT_SECCOMP_PATH) cached = p;
  return p;
}

/** Converts a Docker-format profile into the OCI spec's seccomp for these capabilities ('CAP_X'). */
export function seccompForCaps(profile: Profile, caps: string[], arch = process.arch): Record<string, unknown> {
  const native = NATIVE_ARCH[arch];
  const goArchName = goArch(arch);
  let architectures: string[] = profile.architectures ?? [];
  for (const m of profile.archMap ?? []) {
    if (m.architecture === native) architectures = [m.architecture, ...(m.subArchitectures ?? [])];
  }
  const has = (c: string) => caps.includes(c.startsWith('CAP_') ? c : 'CAP_' + c);
  const syscalls = [];
  for (const s of profile.syscalls ?? []) {
    if (s.includes?.caps && !s.includes.caps.every(has)) continue;
    if (s.includes?.arches && !s.includes.arches.includes(goArchName)) continue;
    if (s.excludes?.caps && s.excludes.caps.some(has)) continue;
    if (s.excludes?.arches && s.excludes.arches.includes(goArchName)) continue;
    const names = s.names ?? (s.name ? [s.name] : []);
    if (!names.length) continue;
    const out: Record<string, unknown> = { names, action: s.action };
    if (s.args && s.args.length) out.args = s.args;
    if (s.errnoRet !== undefined) out.errnoRet = s.errnoRet;
    syscalls.push(out);
  }
  const res: Record<string, unknown> = { defaultAction: profile.defaultAction, architectures, syscalls };
  if (profile.defaultErrnoRet !== undefined) res.defaultErrnoRet = profile.defaultErrnoRet;
  return res;
}
