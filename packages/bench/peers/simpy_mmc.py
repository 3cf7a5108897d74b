"""The peer of `pnpm bench sim`: an M/M/c queue in SimPy 2 (Debian's python3-simpy, for /usr/bin/python3).

Prints one JSON line: {"customers": N, "wallSec": s, "meanWaitSec": w}. Same model as Flotilla's side:
Poisson arrivals at `rate` per second, `servers` servers, exponential service with mean 1 s.
"""
import argparse
import json
import random
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, now, release, request, simulate


class Customer(Process):
    def visit(self, counter, waits):
        arrived = now()
        yield request, self, counter
        waits.append(now() - arrived)
        yield hold, self, random.expovariate(1.0)
        yield release, self, counter


class Source(Process):
    def generate(self, customers, rate, counter, waits):
        for _ in range(customers):
            c = Customer()
            activate(c, c.visit(counter, waits))
            yield hold, self, random.expovariate(rate)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--servers", type=int, required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    random.seed(args.seed)
    waits = []
    start = time.perf_counter()
    initialize()
    counter = Resource(capacity=args.servers)
    source = Source()
    activate(source, source.generate(args.customers, args.rate, counter, waits))
    simulate(until=1e12)
    wall = time.perf_counter() - start
    print(json.dumps({"customers": len(waits), "wallSec": wall, "meanWaitSec": sum(waits) / max(1, len(waits))}))


if __name__ == "__main__":
    main()
