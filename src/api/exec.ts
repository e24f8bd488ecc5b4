// Engine API routes for exec. Thin handlers: validate input, call the engine, map to Docker's shapes.
import type { Router } from './router.js';

export function registerExecRoutes(_r: Router): void {}
