import { createRoot } from 'react-dom/client';
import '../styles/app.css';
import { AttendeeApp } from './App';

const root = document.getElementById('root');
if (root) createRoot(root).render(<AttendeeApp />);
