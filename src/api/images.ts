// Engine API routes for images. Thin handlers: validate input, call the engine, map to Docker's shapes.
import type { Router } from './router.js';

export function registerImageRoutes(_r: Router): void {}
