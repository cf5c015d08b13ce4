"""What is learned afterwards: session and partner summaries, trends, couples, recordings turned
into sessions, and the summaries of sessions a crash left behind. Reads the store, never the live
loop."""
