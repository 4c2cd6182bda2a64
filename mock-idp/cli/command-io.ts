/** Where a command writes (process.stdout / stderr, or a test's buffers). */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const PROCESS_IO: CommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};
