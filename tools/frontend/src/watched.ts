// The host side of TradingView's observable values: IWatchedValue and IDelegate as a Trading Host's factory
// makes them. A real TradingView host brings its own; the web page's host and the test host use these.
import type {
  IBrokerConnectionAdapterFactory,
  IDelegate,
  IWatchedValue,
  IWatchedValueReadonly,
  IWatchedValueSpawn,
  WatchedValueCallback,
  WatchedValueSubscribeOptions,
} from "./tradingview";

export class WatchedValue<T> implements IWatchedValue<T> {
  private current: T;
  private readonly callbacks = new Map<WatchedValueCallback<T>, boolean>();

  constructor(value: T) {
    this.current = value;
  }

  value(): T {
    return this.current;
  }

  setValue(value: T, forceUpdate?: boolean): void {
    if (value === this.current && forceUpdate !== true) return;
    this.current = value;
    for (const [callback, once] of [...this.callbacks]) {
      if (once) this.callbacks.delete(callback);
      callback(value);
    }
  }

  subscribe(callback: WatchedValueCallback<T>, options?: WatchedValueSubscribeOptions): void {
    this.callbacks.set(callback, options?.once === true);
    if (options?.callWithLast === true) callback(this.current);
  }

  unsubscribe(callback?: WatchedValueCallback<T> | null): void {
    if (callback === undefined || callback === null) this.callbacks.clear();
    else this.callbacks.delete(callback);
  }

  when(callback: WatchedValueCallback<T>): void {
    callback(this.current);
  }

  readonly(): IWatchedValueReadonly<T> {
    return this;
  }

  spawn(): IWatchedValueSpawn<T> {
    return Object.assign(Object.create(this) as WatchedValue<T>, { destroy: () => undefined });
  }
}

export class Delegate<F extends (...args: never[]) => void> implements IDelegate<F> {
  private readonly listeners: { member: F; singleshot: boolean }[] = [];

  subscribe(_obj: object | null, member: F, singleshot?: boolean): void {
    this.listeners.push({ member, singleshot: singleshot === true });
  }

  unsubscribe(_obj: object | null, member: F): void {
    const index = this.listeners.findIndex((listener) => listener.member === member);
    if (index >= 0) this.listeners.splice(index, 1);
  }

  unsubscribeAll(): void {
    this.listeners.length = 0;
  }

  // `fire` has the listeners' own signature, which a generic method cannot spell without a cast.
  readonly fire = ((...args: Parameters<F>): void => {
    for (const listener of [...this.listeners]) {
      if (listener.singleshot) this.unsubscribe(null, listener.member);
      listener.member(...args);
    }
  }) as unknown as F;
}

/** A Trading Host's `factory`, making the values above. */
export const factory: IBrokerConnectionAdapterFactory = {
  createWatchedValue: <T>(value?: T): IWatchedValue<T> => new WatchedValue(value as T),
  createDelegate: <F extends (...args: never[]) => void>(): IDelegate<F> => new Delegate<F>(),
};
