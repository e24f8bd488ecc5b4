export const BERTH_VERSION = '0.1.0';
