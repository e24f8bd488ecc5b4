// Engine API routes for volumes. Thin handlers: validate input, call the engine, map to Docker's shapes.
import type { Router } from './router.js';

export function registerVolumeRoutes(_r: Router): void {}
