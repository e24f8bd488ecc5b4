// Engine API routes for distribution. Thin handlers: validate input, call the engine, map to Docker's shapes.
import type { Router } from './router.js';

export function registerDistributionRoutes(_r: Router): void {}
