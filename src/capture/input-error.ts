/** Input the tool cannot read as captures (exit 2), with where and why. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
