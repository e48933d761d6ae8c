/** Each command's usage line and what it does, for `parley --help` and `parley <command> --help`. */
export const COMMAND_HELP = {
  serve: ['parley serve', 'Runs the web server and the background jobs.'],
  migrate: ['parley migrate', 'Brings the database schema up to date and exits.'],
  'workspace:create': [
    'parley workspace:create --name NAME [--phone-number-id ID --access-token TOKEN [--waba-id ID]] [--timezone Area/City]',
    "Creates a workspace. The phone number id is Meta's id for the number (5 to 20 digits), not the phone number; it needs the access token too.",
  ],
  'workspace:connect': [
    'parley workspace:connect --workspace ID --phone-number-id ID --access-token TOKEN [--waba-id ID]',
    'Checks a business number with Meta and connects it to the workspace (like Settings › WhatsApp).',
  ],
  'user:create': [
    'parley user:create --workspace ID --email EMAIL --password PASSWORD --role owner|admin|manager|sales [--phone +E164] [--name NAME]',
    'Creates a console user.',
  ],
  'user:password': [
    'parley user:password --email EMAIL [--password PASSWORD]',
    "Sets a user's password (asked twice when not given); they must replace it at next login.",
  ],
  'apikey:create': [
    'parley apikey:create --workspace ID --role ROLE [--name NAME]',
    'Creates an API key and prints it once.',
  ],
  'apikey:list': [
    'parley apikey:list --workspace ID',
    "Lists the workspace's live API keys (never the key).",
  ],
  'apikey:revoke': ['parley apikey:revoke --workspace ID --id KEYID', 'Revokes an API key.'],
  'webhooks:replay': [
    'parley webhooks:replay [--since YYYY-MM-DD] [--failed]',
    'Processes stored webhook events again (only failed ones with --failed); safe to repeat.',
  ],
  'audit:verify': [
    'parley audit:verify [--workspace ID]',
    'Checks the audit chains; fails naming the first broken entry.',
  ],
  demo: ['parley demo', 'Creates a demo workspace with one user per role and prints the logins.'],
} as const satisfies Record<string, readonly [usage: string, summary: string]>

const HELP_FLAGS = new Set(['--help', '-h', 'help'])

function overview(): string {
  const lines = Object.values(COMMAND_HELP).map(
    ([usage, summary]) => `  ${usage}\n      ${summary}`,
  )
  return ['usage: parley <command> [flags]', '', ...lines, ''].join('\n')
}

/**
 * The help asked for on this command line (`parley --help`, `parley <command> --help`), or
 * undefined when the command should run. Help needs no settings and no database.
 */
export function helpFor(argv: readonly string[]): string | undefined {
  const [name = '', ...rest] = argv
  if (name === '' || HELP_FLAGS.has(name)) return overview()
  if (!rest.some((arg) => HELP_FLAGS.has(arg) && arg !== 'help')) return undefined
  const help = (COMMAND_HELP as Record<string, readonly [string, string]>)[name]
  return help ? `usage: ${help[0]}\n\n${help[1]}\n` : overview()
}
