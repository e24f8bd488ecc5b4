// Engine API routes for build. Thin handlers: validate input, call the engine, map to Docker's shapes.
import type { Router } from './router.js';

export function registerBuildRoutes(_r: Router): void {}
