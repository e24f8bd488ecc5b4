// What a caller tells the loader: the `docker compose` global options (-f, -p, --profile,
// --env-file, --project-directory) and the loader switches `compose config` exposes.
export interface LoadOptions {
  /** `-f` files as typed (relative to `cwd`; "-" reads standard input). Empty: COMPOSE_FILE, then
   *  compose.yaml / compose.yml / docker-compose.yml / docker-compose.yaml (+ override) looked up
   *  from `cwd` upwards. */
  files?: string[];
  /** `-p`: must already be a valid project name (lowercase [a-z0-9_-], starting with a letter or digit). */
  projectName?: string;
  /** `--project-directory`. Default: the directory of the first compose file. */
  projectDirectory?: string;
  /** `--profile` (several). Empty: COMPOSE_PROFILES. */
  profiles?: string[];
  /** `--env-file` (several). Empty: `.env` in the project directory, when it exists. */
  envFiles?: string[];
  /** The process environment (default `process.env`); it wins over .env values. */
  env?: Record<string, string | undefined>;
  /** Current directory (default `process.cwd()`). */
  cwd?: string;
  /** Services named on the command line: enabled whatever their profiles. */
  services?: string[];
  /** Standard input, for `-f -`. */
  stdin?: () => Promise<string>;
  /** `config --no-interpolate`. */
  noInterpolate?: boolean;
  /** `config --no-path-resolution`. */
  noPathResolution?: boolean;
  /** `config --no-consistency`. */
  noConsistency?: boolean;
  /** `config --no-env-resolution`: keep env_file listed instead of folding it into environment. */
  noEnvResolution?: boolean;
  /** Fold env_file into environment and drop the env_file key (as `config` prints it). */
  discardEnvFiles?: boolean;
  /** `--all-resources`: keep networks/volumes/secrets/configs no service uses. */
  allResources?: boolean;
  /** Called with each warning compose would log ("version is obsolete", …). Default: none. */
  warn?: (message: string) => void;
}
