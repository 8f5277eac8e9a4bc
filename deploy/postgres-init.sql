-- One database per unit on the shared PostgreSQL server: units never share tables.
CREATE DATABASE bookings;
CREATE DATABASE retail;
CREATE DATABASE promotions;
CREATE DATABASE care;
