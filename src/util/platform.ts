// Docker names architectures as Go does (GOARCH); Node names them its own way.
const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/** Docker's GOARCH name for a Node architecture name (this machine's by default). */
export function goArch(arch: string = process.arch): string {
  return GO_ARCH[arch] ?? arch;
}
