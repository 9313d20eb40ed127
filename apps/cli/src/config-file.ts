/** The config file a command uses: `-c FILE`, else $TANDEM_CONFIG, else ./tandem.yaml. */
export function configFile(option: string | undefined, env: Record<string, string | undefined>): string {
  return option ?? (env.TANDEM_CONFIG || 'tandem.yaml');
}
