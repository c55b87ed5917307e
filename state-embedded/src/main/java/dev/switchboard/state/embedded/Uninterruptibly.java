package dev.switchboard.state.embedded;

/** Waits that closing a store must see through: an interrupt is kept for the caller, not obeyed. */
final class Uninterruptibly {

    private Uninterruptibly() {
    }

    /** Waits until {@code thread} has ended, then sets the caller's interrupt status again if it was interrupted. */
    static void join(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
