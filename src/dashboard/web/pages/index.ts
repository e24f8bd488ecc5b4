// The pages of the dashboard, in the order of the navigation bar. A page is one module under
// pages/ exporting `page: PageDef`; add it to PAGES and it is routed (and in the bar if `nav`).
// The first entry is the start page.
import type { ComponentType } from 'preact';
import { page as containers } from './containers.js';
import { page as container, pageDefaultTab as containerLogs } from './container.js';
import { page as compose, projectPage as composeProject } from './compose.js';
import { page as images } from './images.js';
import { page as image } from './image.js';
import { page as events } from './events.js';
import { page as host, hostPage } from './host.js';
import { page as volumes } from './volumes.js';
import { page as networks, networkPage as network } from './networks.js';
import { page as registry, repositoryPage as registryRepository, manifestPage as registryManifest } from './registry.js';

export interface PageDef {
  /** Hash path pattern, parameters with a colon: "/containers/:host/:id". */
  path: string;
  title: string;
  /** Shown in the navigation bar (pages with parameters are reached by links instead). */
  nav?: boolean;
  component: ComponentType<{ params: Record<string, string> }>;
}

export const PAGES: PageDef[] = [containers, container, containerLogs, compose, composeProject, images, image, volumes, networks, network, events, host, hostPage, registry, registryRepository, registryManifest];
