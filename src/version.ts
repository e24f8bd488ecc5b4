export const BERTH_VERSION = '0.1.0';
/** The newest Engine API version berthd speaks (the version /version reports and unversioned paths get). */
export const API_VERSION = '1.50';
/** The oldest API version berthd accepts (dockerd's minimum). */
export const MIN_API_VERSION = '1.24';
