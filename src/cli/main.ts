// berth: the command-line client. Placeholder until the CLI lands.
process.stdout.write('berth 0.1.0\n');
