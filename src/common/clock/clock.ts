import { Global, Module, type DynamicModule } from '@nestjs/common';

/**
 * What time it is, for the reads that judge records against "now" (the dashboards). The system
 * clock everywhere except in tests of the demo practice, which pin it to a fixed instant (and to
 * one across a daylight-saving change) to show the dashboards do not depend on the day they run.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that stands still at `at` until set again. */
export class FixedClock extends Clock {
  constructor(public at: Date) {
    super();
  }

  now(): Date {
    return new Date(this.at.getTime());
  }
}

/** Makes the application's {@link Clock} injectable everywhere. */
@Global()
@Module({})
export class ClockModule {
  static forRoot(clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: ClockModule,
      providers: [{ provide: Clock, useValue: clock }],
      exports: [Clock],
    };
  }
}
