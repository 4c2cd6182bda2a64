/** The tutorial's in-memory orders and their route handlers. */
import type { Request, Response } from 'express';
import type { Request as JwtRequest } from 'express-jwt';

export interface Order {
  id: string;
  item: string;
  quantity: number;
  createdBy: string;
}

export interface OrderStore {
  list(): Order[];
  add(input: { item: string; quantity: number }, createdBy: string): Order;
}

export function createOrderStore(): OrderStore {
  const orders: Order[] = [
    { id: 'ord_1', item: 'Coffee beans', quantity: 2, createdBy: 'seed' },
    { id: 'ord_2', item: 'Paper filters', quantity: 1, createdBy: 'seed' },
  ];
  let next = orders.length + 1;
  return {
    list: () => orders.map((order) => ({ ...order })),
    add(input, createdBy) {
      const order: Order = { id: `ord_${next++}`, ...input, createdBy };
      orders.push(order);
      return { ...order };
    },
  };
}

export function listOrders(store: OrderStore) {
  return (req: JwtRequest, res: Response) => {
    res.json({ orders: store.list(), user: req.auth?.sub });
  };
}

/** Same list, no authentication: the baseline for benchmarks. */
export function listPublicOrders(store: OrderStore) {
  return (_req: Request, res: Response) => {
    res.json({ orders: store.list() });
  };
}

export function createOrder(store: OrderStore) {
  return (req: JwtRequest, res: Response) => {
    const input = parseOrderInput(req.body);
    if (typeof input === 'string') {
      res.status(400).json({ error: 'invalid_request', error_description: input });
      return;
    }
    res.status(201).json(store.add(input, req.auth?.sub ?? 'unknown'));
  };
}

/** The new order, or what is wrong with the body. */
function parseOrderInput(body: unknown): { item: string; quantity: number } | string {
  if (typeof body !== 'object' || body === null) return 'Send a JSON object { item, quantity }';
  const { item, quantity } = body as { item?: unknown; quantity?: unknown };
  if (typeof item !== 'string' || item.trim() === '' || item.length > 200) {
    return 'item must be a non-empty string of at most 200 characters';
  }
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 1000) {
    return 'quantity must be an integer from 1 to 1000';
  }
  return { item: item.trim(), quantity };
}
