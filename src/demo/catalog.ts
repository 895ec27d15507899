// The demo shop's products. Prices in euro cents.
export interface Product {
  readonly id: string;
  readonly name: string;
  readonly blurb: string;
  readonly price: number;
  readonly color: string;
}

export const products: readonly Product[] = [
  { id: "lamp", name: "Aurora desk lamp", blurb: "Warm, dimmable light for late statements.", price: 4900, color: "#f59e0b" },
  { id: "mug", name: "Ledger mug", blurb: "Holds 350 ml of coffee and zero rounding errors.", price: 1450, color: "#0ea5e9" },
  { id: "plant", name: "Compliance fern", blurb: "Thrives on audits and indirect sunlight.", price: 2200, color: "#16a34a" },
  { id: "chair", name: "Teller chair", blurb: "Ergonomic, quiet, approved by the works council.", price: 18900, color: "#7c3aed" },
  { id: "notebook", name: "Vault notebook", blurb: "Dotted paper, 160 pages, lockable elastic.", price: 1200, color: "#e11d48" },
  { id: "headset", name: "Support headset", blurb: "Noise cancelling for the busiest queues.", price: 7900, color: "#0f766e" },
];

export function formatPrice(cents: number): string {
  return `€${(cents / 100).toFixed(2)}`;
}
