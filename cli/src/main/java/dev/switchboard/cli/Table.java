package dev.switchboard.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Left-aligned text columns, for the listings' plain output. */
final class Table {

    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
    }

    Table row(String... cells) {
        rows.add(cells);
        return this;
    }

    void print(PrintWriter out, String indent) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] r : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], r[c].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int c = 0; c < columns; c++) {
                line.append(r[c]);
                if (c < columns - 1) {
                    line.append(" ".repeat(widths[c] - r[c].length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
