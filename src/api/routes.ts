// Every router berthd serves. Each object's routes live in their own file.
import type { RouteRegistrar } from './server.js';
import { registerSystemRoutes } from './system.js';
import { registerImageRoutes } from './images.js';
import { registerContainerRoutes } from './containers.js';
import { registerExecRoutes } from './exec.js';
import { registerVolumeRoutes } from './volumes.js';
import { registerNetworkRoutes } from './networks.js';
import { registerBuildRoutes } from './build.js';
import { registerDistributionRoutes } from './distribution.js';
import { registerSwarmRoutes } from './swarm.js';
import { registerPluginRoutes } from './plugins.js';
import { registerDebugRoutes } from './debug.js';

export const allRoutes: RouteRegistrar[] = [
  registerSystemRoutes,
  registerImageRoutes,
  registerContainerRoutes,
  registerExecRoutes,
  registerVolumeRoutes,
  registerNetworkRoutes,
  registerBuildRoutes,
  registerDistributionRoutes,
  registerSwarmRoutes,
  registerPluginRoutes,
  registerDebugRoutes,
];
