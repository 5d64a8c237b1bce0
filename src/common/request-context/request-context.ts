import { Injectable } from '@nestjs/common';
import { ClsService, type ClsStore } from 'nestjs-cls';
import type { Actor } from '../actor/actor';

export interface RequestContextStore extends ClsStore {
  actor?: Actor;
  ip?: string;
  userAgent?: string;
}

/** Who is calling and from where, for the current request (kept in async-local storage). */
@Injectable()
export class RequestContext {
  constructor(private readonly cls: ClsService<RequestContextStore>) {}

  get actor(): Actor | undefined {
    return this.cls.isActive() ? this.cls.get('actor') : undefined;
  }

  set actor(actor: Actor | undefined) {
    this.cls.set('actor', actor);
  }

  get requestId(): string | undefined {
    return this.cls.isActive() ? this.cls.getId() : undefined;
  }

  get ip(): string | undefined {
    return this.cls.isActive() ? this.cls.get('ip') : undefined;
  }

  get userAgent(): string | undefined {
    return this.cls.isActive() ? this.cls.get('userAgent') : undefined;
  }
}
