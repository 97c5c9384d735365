-- A small "writing" database: the demo of the README and a fixture of the tests.
-- Series of books, their chapters, characters and locations, with realistic rows.
CREATE TABLE series (
  id serial PRIMARY KEY,
  title text NOT NULL UNIQUE,
  genre text NOT NULL DEFAULT 'fiction',
  started date
);
CREATE TABLE books (
  id serial PRIMARY KEY,
  series_id int NOT NULL REFERENCES series (id) ON DELETE CASCADE,
  title text NOT NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'editing', 'published')),
  position int NOT NULL,
  published_on date,
  word_target int CHECK (word_target > 0),
  UNIQUE (series_id, position)
);
CREATE TABLE chapters (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  book_id int NOT NULL REFERENCES books (id) ON DELETE CASCADE,
  number int NOT NULL,
  title text NOT NULL,
  body text,
  word_count int GENERATED ALWAYS AS (coalesce(array_length(regexp_split_to_array(body, '\s+'), 1), 0)) STORED,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (book_id, number)
);
CREATE TABLE locations (
  id serial PRIMARY KEY,
  series_id int NOT NULL REFERENCES series (id),
  name text NOT NULL,
  description text,
  coordinates point
);
CREATE TABLE characters (
  id serial PRIMARY KEY,
  series_id int NOT NULL REFERENCES series (id),
  name text NOT NULL,
  role text,
  home_id int REFERENCES locations (id) ON DELETE SET NULL,
  traits jsonb NOT NULL DEFAULT '{}',
  aliases text[]
);
CREATE INDEX chapters_book_idx ON chapters (book_id);
CREATE INDEX characters_traits_idx ON characters USING gin (traits);
CREATE INDEX books_published_idx ON books (published_on) WHERE status = 'published';

INSERT INTO series (title, genre, started) VALUES
  ('The Salt Roads', 'fantasy', '2019-03-01'),
  ('Harbour Lights', 'mystery', '2021-09-15'),
  ('Winter''s Ledger', 'historical', '2023-01-10');

INSERT INTO books (series_id, title, status, position, published_on, word_target)
SELECT s.id, s.title || ': Book ' || p, CASE WHEN p < 3 THEN 'published' WHEN p = 3 THEN 'editing' ELSE 'draft' END,
       p, CASE WHEN p < 3 THEN s.started + (p * 200) END, 90000 + p * 5000
FROM series s CROSS JOIN generate_series(1, 4) p;

INSERT INTO chapters (book_id, number, title, body, updated_at)
SELECT b.id, c, 'Chapter ' || c,
       'It was the ' || c || 'th morning when the tide came in early. ' ||
       repeat('She wrote of salt, of ledgers, of lights across the harbour; ', 5 + c % 7) ||
       E'\n\n"Keep the lamp lit," he said.\tThen: silence.',
       timestamptz '2024-01-01 09:00+00' + (b.id * 40 + c) * interval '7 hours'
FROM books b CROSS JOIN generate_series(1, 12) c;

INSERT INTO locations (series_id, name, description, coordinates) VALUES
  (1, 'Saltmarsh', 'A village built on stilts above the brine.', point(51.5, -0.12)),
  (1, 'The Ledger House', 'Where every debt is written down.', point(51.7, -0.3)),
  (2, 'North Pier', 'Fog, gulls and a lighthouse that lies.', point(50.1, -5.5)),
  (3, 'Kestrel Hall', NULL, NULL);

INSERT INTO characters (series_id, name, role, home_id, traits, aliases) VALUES
  (1, 'Maren Holt', 'protagonist', 1, '{"age": 34, "skills": ["navigation", "ledgers"]}', ARRAY['The Salt Clerk']),
  (1, 'Oskar Vey', 'antagonist', 2, '{"age": 51, "loyal": false}', NULL),
  (2, 'Inspector Ada Quill', 'detective', 3, '{"age": 42, "pipe": true}', ARRAY['Quill', 'A.Q.']),
  (2, 'Tom "Lamp" Barrow', 'witness', NULL, '{}', ARRAY[NULL, 'Lamp']),
  (3, 'Élodie Marchand', 'narrator', 4, '{"languages": ["fr", "en"]}', '{}');
