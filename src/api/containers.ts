// Engine API routes for containers. Thin handlers: validate input, call the engine, map to Docker's shapes.
import type { Router } from './router.js';

export function registerContainerRoutes(_r: Router): void {}
