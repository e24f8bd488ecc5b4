// The container-wide MAC address (Config.MacAddress) moved to the endpoint in API 1.44: dockerd's
// router migrates it to the primary network's EndpointSettings (handleMACAddressBC), and so does
// this, before the engine sees the request.
import { InvalidArgumentError } from '../engine/errors.js';
import { apiVersionAtLeast } from '../util/api-version.js';

interface CreateBody {
  MacAddress?: string;
  HostConfig?: { NetworkMode?: string };
  NetworkingConfig?: { EndpointsConfig?: Record<string, { MacAddress?: string } | null> | null };
}

const WARNING = 'The container-wide MacAddress field is now deprecated. It should be specified in EndpointsConfig instead.';

/** Moves a container-wide MacAddress to the primary endpoint; returns dockerd's deprecation warning, if any. */
export function migrateMacAddress(body: CreateBody, apiVersion: string): string | undefined {
  // The create body is the container Config with HostConfig and NetworkingConfig beside it.
  const mac = body.MacAddress ?? '';
  const eps = () => ((body.NetworkingConfig ??= {}).EndpointsConfig ??= {});
  const mode = body.HostConfig?.NetworkMode || 'default';
  const bridgeOrUser = !['host', 'none'].includes(mode) && !mode.startsWith('container:');
  if (!apiVersionAtLeast(apiVersion, '1.44')) {
    if (!mac) {
      // The old API ignored an endpoint's MacAddress.
      for (const ep of Object.values(body.NetworkingConfig?.EndpointsConfig ?? {})) if (ep) delete ep.MacAddress;
      return undefined;
    }
    if (!bridgeOrUser) throw new InvalidArgumentError('conflicting options: mac-address and the network mode');
    const ep = endpointFor(eps(), mode, false);
    ep.MacAddress = mac;
    return undefined;
  }
  if (!mac) return undefined;
  if (bridgeOrUser) {
    const ep = endpointFor(eps(), mode, true);
    if (!ep.MacAddress) ep.MacAddress = mac;
    else if (ep.MacAddress !== mac) throw new InvalidArgumentError('the container-wide MAC address must match the endpoint-specific MAC address for the main network, or be left empty');
  }
  delete body.MacAddress;
  return WARNING;
}

/** dockerd's epConfigForNetMode: the endpoint settings of the NetworkMode's network, made when there are none. */
function endpointFor(eps: Record<string, { MacAddress?: string } | null>, mode: string, strict: boolean): { MacAddress?: string } {
  const keys = Object.keys(eps);
  if (!keys.length) return (eps[mode] = {});
  if (!strict) return (eps[keys[0]] ??= {});
  const ep = eps[mode];
  if (ep === undefined) throw new InvalidArgumentError('unable to migrate container-wide MAC address to a specific network: HostConfig.NetworkMode must match the identity of a network in NetworkSettings.Networks');
  return (eps[mode] ??= {});
}
