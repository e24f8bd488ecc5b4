// POST /networks/create: checks the request as dockerd does, picks or checks the subnet, names
// the host device, brings the network up and writes its record; all or nothing.
import type { NetworkContext } from './context.js';
import { ConflictError, ForbiddenError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { newId } from '../../util/ids.js';
import { syncFirewall } from './firewall-sync.js';
import { formatCidr, formatIPv4 } from './ipv4.js';
import { overlapsExisting, pickSubnet, validateIpam } from './ipam.js';
import { overlapsExisting6, pickSubnet6, validateIpam6 } from './ipam6.js';
import { formatCidr6, formatIPv6 } from './ipv6.js';
import { linkExists } from './links.js';
import { bringUpNetwork, tearDownNetwork } from './network-devices.js';
import { newNetworkRecord } from './networks.js';
import type { DriverName, IpamConfig, NetworkCreateRequest } from './types.js';

/** The drivers a user may create networks with (host and null have their one predefined network). */
const DRIVERS: DriverName[] = ['bridge', 'macvlan', 'ipvlan'];

export async function createNetwork(ctx: NetworkContext, req: NetworkCreateRequest): Promise<{ Id: string; Warning: string }> {
  const name = checkedName(req.Name ?? '');
  // Checked and reserved in one synchronous step: a second create with this name, arriving while
  // this one awaits its subnet or bridge, gets dockerd's 409 instead of being saved as well.
  if (ctx.namesBeingCreated.has(name) || [...ctx.networks.values()].some((n) => n.Name === name)) {
    throw new ConflictError(`network with name ${name} already exists`);
  }
  ctx.namesBeingCreated.add(name);
  try {
    const driver = checkedDriver(req);
    return await ctx.createQueue.run('create', () => build(ctx, name, driver, req));
  } finally {
    // Taken for good by the record on success; free again on failure.
    ctx.namesBeingCreated.delete(name);
  }
}

/** Names of the networks every daemon has, and `default` (NetworkMode's name for the default bridge). */
const PREDEFINED_NAMES = new Set(['bridge', 'host', 'none', 'default']);

/**
 * The name as dockerd takes it: any name but a blank one and a predefined one (dockerd checks no
 * characters; it keeps the name as given, spaces included).
 */
function checkedName(name: string): string {
  if (PREDEFINED_NAMES.has(name)) throw new ForbiddenError(`operation is not permitted on predefined ${name} network `);
  if (!name.trim()) throw new InvalidArgumentError('invalid name: name is empty');
  return name;
}

/** The request's driver, once the request asks for nothing berth or the driver cannot do. */
function checkedDriver(req: NetworkCreateRequest): DriverName {
  const driver = (req.Driver || 'bridge') as DriverName;
  if (driver === ('host' as DriverName) || driver === ('null' as DriverName)) throw new ForbiddenError(`only one instance of "${driver}" network is allowed`);
  if (!DRIVERS.includes(driver)) throw new NotFoundError(`plugin "${driver}" not found`);
  if (req.EnableIPv4 === false) throw new InvalidArgumentError('berth does not support networks without IPv4');
  if (req.ConfigOnly || req.ConfigFrom?.Network) throw new InvalidArgumentError('config-only networks are not supported by berth');
  if (req.IPAM?.Driver && req.IPAM.Driver !== 'default') throw new NotFoundError(`plugin "${req.IPAM.Driver}" not found`);
  return driver;
}

/**
 * Chooses the subnet and device, brings the network up and saves it. Creates run this one at a
 * time: each chooses from the records of the networks before it, so two must not choose at once.
 */
async function build(ctx: NetworkContext, name: string, driver: DriverName, req: NetworkCreateRequest): Promise<{ Id: string; Warning: string }> {
  const options = { ...(req.Options ?? {}) };
  const given = (req.IPAM?.Config ?? []).filter((c) => c.Subnet || c.Gateway || c.IPRange);
  const isV6 = (c: IpamConfig) => !!c.Subnet?.includes(':');
  const configs = given.filter((c) => !isV6(c));
  // As dockerd: an IPv6 subnet on a network without IPv6 is not looked at.
  const configs6 = req.EnableIPv6 ? given.filter(isV6) : [];
  if (configs.length > 1) throw new InvalidArgumentError('berth supports one IPv4 subnet per network');
  if (configs6.length > 1) throw new InvalidArgumentError('berth supports one IPv6 subnet per network');
  const ipam6 = validateIpam6(configs6[0]);
  const ipam = validateIpam(configs[0]);
  const subnet = ipam.subnet ?? (await pickSubnet(ctx));
  const conflicting = await overlapsExisting(ctx, subnet, !ipam.subnet);
  if (conflicting) throw new ForbiddenError('invalid pool request: Pool overlaps with other one on this address space');
  const gateway = ipam.gateway ?? subnet.base + 1;
  let cfg6: IpamConfig | undefined;
  if (req.EnableIPv6) {
    const subnet6 = ipam6.subnet ?? pickSubnet6(ctx);
    if (overlapsExisting6(ctx, subnet6)) throw new ForbiddenError('invalid pool request: Pool overlaps with other one on this address space');
    cfg6 = { Subnet: formatCidr6(subnet6), Gateway: formatIPv6(ipam6.gateway ?? subnet6.base + 1n) };
    if (ipam6.range) cfg6.IPRange = formatCidr6(ipam6.range);
  }

  const id = newId();
  const rec = newNetworkRecord(name, driver, {
    Id: id,
    Internal: !!req.Internal,
    Attachable: !!req.Attachable,
    Ingress: !!req.Ingress,
    Options: options,
    Labels: { ...(req.Labels ?? {}) },
  });
  const cfg: IpamConfig = { Subnet: formatCidr(subnet), Gateway: formatIPv4(gateway) };
  if (ipam.range) cfg.IPRange = formatCidr(ipam.range);
  rec.IPAM = { Driver: 'default', Options: req.IPAM?.Options ?? {}, Config: cfg6 ? [cfg, cfg6] : [cfg] };
  rec.EnableIPv6 = !!cfg6;

  if (driver === 'bridge') {
    const dev = options['com.docker.network.bridge.name'] || `br-${id.slice(0, 12)}`;
    if (dev.length > 15) throw new InvalidArgumentError(`bridge name ${dev} is longer than 15 characters`);
    if ([...ctx.networks.values()].some((n) => n.Driver === 'bridge' && n.device === dev)) throw new ConflictError(`bridge name ${dev} is in use by another network`);
    rec.device = dev;
  } else {
    const parent = options.parent;
    if (parent) {
      if (!linkExists(parent)) throw new InvalidArgumentError(`-o parent interface was not found on the host: ${parent}`);
      rec.device = parent;
    } else {
      // Docker: no parent means a dummy link and an internal network.
      rec.device = `dm-${id.slice(0, 12)}`;
      rec.dummyParent = true;
      rec.Internal = true;
    }
  }

  try {
    await bringUpNetwork(rec);
    await ctx.addNetwork(rec);
    await syncFirewall(ctx);
  } catch (e) {
    ctx.networks.delete(id);
    await ctx.store.deleteNetwork(id);
    await tearDownNetwork(rec);
    throw e;
  }
  ctx.opts.events.publish('network', 'create', id, { name, type: driver });
  return { Id: id, Warning: '' };
}
