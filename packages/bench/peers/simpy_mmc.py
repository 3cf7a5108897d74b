"""The peer of `pnpm bench sim`: an M/M/c queue in SimPy 2 (Debian's python3-simpy, for /usr/bin/python3).

Prints one JSON line: {"customers": N, "wallSec": s, "meanWaitSec": w}. Same model as Flotilla's side:
`servers` servers pulling from one queue, `priorities` Poisson sources of `rate / priorities` per second
each (Flotilla's four priority workloads), non-preemptive priority then FIFO within a priority (SimPy's
PriorityQ), exponential service with mean 1 s.
"""
import argparse
import json
import random
import time

from SimPy.Simulation import (
    FIFO,
    PriorityQ,
    Process,
    Resource,
    activate,
    hold,
    initialize,
    now,
    release,
    request,
    simulate,
)


class Customer(Process):
    def visit(self, counter, waits, priority):
        arrived = now()
        # SimPy 2 serves the highest priority value first, FIFO among equals.
        yield request, self, counter, priority
        waits.append(now() - arrived)
        yield hold, self, random.expovariate(1.0)
        yield release, self, counter


class Source(Process):
    def generate(self, customers, rate, counter, waits, priority):
        for _ in range(customers):
            c = Customer()
            activate(c, c.visit(counter, waits, priority))
            yield hold, self, random.expovariate(rate)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--servers", type=int, required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--priorities", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    random.seed(args.seed)
    waits = []
    start = time.perf_counter()
    initialize()
    counter = Resource(capacity=args.servers, qType=PriorityQ)
    # qType orders the served list too, by a linear insertion per start (3x the wall time with 1,000
    # servers); only preemption reads that order, and this resource does not preempt, so the peer keeps the
    # served list a plain FIFO: SimPy is not charged for work the model does not need.
    counter.activeQ = FIFO(counter, None)
    # One source per priority, as Flotilla's bench runs one Poisson workload per priority; together they
    # bring `customers` customers (the remainder goes to the most urgent source).
    share, rest = divmod(args.customers, args.priorities)
    for level in range(args.priorities):
        source = Source()
        count = share + (rest if level == 0 else 0)
        priority = args.priorities - level
        activate(source, source.generate(count, args.rate / args.priorities, counter, waits, priority))
    simulate(until=1e12)
    wall = time.perf_counter() - start
    print(json.dumps({"customers": len(waits), "wallSec": wall, "meanWaitSec": sum(waits) / max(1, len(waits))}))


if __name__ == "__main__":
    main()
