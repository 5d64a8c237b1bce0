import { Injectable } from '@nestjs/common';

/** Flipped first on SIGTERM so that load balancers stop sending traffic before the drain. */
@Injectable()
export class ShutdownState {
  private draining = false;

  get isDraining(): boolean {
    return this.draining;
  }

  beginDrain(): void {
    this.draining = true;
  }
}
