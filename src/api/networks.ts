// Engine API routes for networks. Thin handlers: validate input, call the engine, map to Docker's shapes.
import type { Router } from './router.js';

export function registerNetworkRoutes(_r: Router): void {}
