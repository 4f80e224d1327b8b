// The broker with no backend: every call answers the example openapi/broker.yaml gives for that operation
// (generated into @generated/examples by `make codegen`, each checked there against its response type), mapped
// by the same functions as the HTTP adapter. For offline work and component tests; it keeps no state: an
// order placed here is not listed afterwards. For a backend that does, run `paperbroker mock`.
import { examples, type ExampleOperation } from "@generated/examples";
import {
  fromApiAccountInfo,
  fromApiAccountMetainfo,
  fromApiExecution,
  fromApiInstrumentInfo,
  fromApiOrder,
  fromApiOrderPreview,
  fromApiPosition,
} from "./adapter";
import type {
  AccountInfo,
  ApiInterface,
  BrokerEventListener,
  BrokerSubscription,
  InstrumentInfo,
  Result,
} from "./api";
import type { AccountMetainfo, Execution, Order, OrderPreviewResult, Position } from "./tradingview";

function answer<O extends ExampleOperation, T>(operation: O, map: (body: (typeof examples)[O]["body"]) => T): Promise<Result<T>> {
  const { status, body } = examples[operation];
  return Promise.resolve({ ok: true, status, data: map(body) });
}

export class ExampleBroker implements ApiInterface {
  accounts(): Promise<Result<AccountMetainfo[]>> {
    return answer("getAccounts", (accounts) => accounts.map(fromApiAccountMetainfo));
  }

  /** The examples hold one account's answers, whichever account is asked for. */
  withAccount(): ApiInterface {
    return this;
  }

  placeOrder(): Promise<Result<{ orderId: string }>> {
    return answer("placeOrder", (placed) => ({ orderId: placed.orderId }));
  }

  previewOrder(): Promise<Result<OrderPreviewResult>> {
    return answer("previewOrder", fromApiOrderPreview);
  }

  modifyOrder(): Promise<Result<Order>> {
    return answer("modifyOrder", fromApiOrder);
  }

  cancelOrder(): Promise<Result<Order>> {
    return answer("cancelOrder", fromApiOrder);
  }

  cancelOrders(): Promise<Result<Order[]>> {
    return answer("cancelOrders", (orders) => orders.map(fromApiOrder));
  }

  getOrders(): Promise<Result<Order[]>> {
    return answer("getOrders", (orders) => orders.map(fromApiOrder));
  }

  getOrdersHistory(): Promise<Result<Order[]>> {
    return answer("getOrdersHistory", (orders) => orders.map(fromApiOrder));
  }

  getPositions(): Promise<Result<Position[]>> {
    return answer("getPositions", (positions) => positions.map(fromApiPosition));
  }

  closePosition(): Promise<Result<Order>> {
    return answer("closePosition", fromApiOrder);
  }

  reversePosition(): Promise<Result<Order>> {
    return answer("reversePosition", fromApiOrder);
  }

  editPositionBrackets(): Promise<Result<Position>> {
    return answer("editPositionBrackets", fromApiPosition);
  }

  getExecutions(): Promise<Result<Execution[]>> {
    return answer("getExecutions", (executions) => executions.map(fromApiExecution));
  }

  getAccountInfo(): Promise<Result<AccountInfo>> {
    return answer("getAccountInfo", fromApiAccountInfo);
  }

  symbolInfo(): Promise<Result<InstrumentInfo>> {
    return answer("symbolInfo", fromApiInstrumentInfo);
  }

  getSymbols(): Promise<Result<InstrumentInfo[]>> {
    return answer("getSymbols", (instruments) => instruments.map(fromApiInstrumentInfo));
  }

  /** Nothing ever changes here, so the channel opens and stays quiet. */
  subscribe(listener: BrokerEventListener): BrokerSubscription {
    queueMicrotask(() => listener.state("connected"));
    return { setSymbols: () => undefined, close: () => undefined };
  }
}
