"""One module per article file format; each turns decoded text into Articles."""
